"""Drives `dossier mcp` with the Python MCP SDK's client, which checks every
tool result's structured content against the tool's output schema (and
raises if it does not validate). Also checks that every schema the server
publishes is valid JSON Schema 2020-12, and that real searches over real
reports answer with pages a reader can cite.

usage: mcp_client.py DOSSIER WORKSPACE
"""
import asyncio
import sys

from jsonschema import Draft202012Validator
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what)


async def main(binary, workspace):
    params = StdioServerParameters(command=binary, args=["mcp", "--workspace", workspace])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.serverInfo.name == "dossier", "server name")
            check(init.protocolVersion == types.LATEST_PROTOCOL_VERSION or init.protocolVersion in ("2025-06-18", "2025-11-25"),
                  f"protocol version {init.protocolVersion}")
            tools = (await session.list_tools()).tools
            check([t.name for t in tools] == ["search", "read_page", "list_documents", "citations", "status"], "tool names")
            for tool in tools:
                for schema in (tool.inputSchema, tool.outputSchema):
                    try:
                        Draft202012Validator.check_schema(schema)
                        check(True, "")
                    except Exception as error:  # noqa: BLE001
                        check(False, f"{tool.name} schema: {error}")

            async def call(name, arguments, error=False):
                # call_tool validates structured content against the output schema.
                try:
                    result = await session.call_tool(name, arguments)
                except RuntimeError as problem:
                    check(False, f"{name} {arguments}: {problem}")
                    return None
                check(bool(result.isError) == error, f"{name} {arguments}: isError={result.isError} {result.content[:1]}")
                return result.structuredContent

            # Real reports: a term from the EU guide's tables, grouped and flat, with filters.
            grouped = await call("search", {"query": "Annex A specimens"})
            check(grouped and grouped["results"] and grouped["total_documents"] >= 1, "grouped search finds Annex A")
            flat = await call("search", {"query": "Annex A specimens", "flat": True, "limit": 5})
            check(flat and len(flat["results"]) == 5 and flat["total_documents"] is None, "flat search pages passages")
            first = flat["results"][0]
            page = await call("read_page", {"document": first["document"]["id"], "page": first["page"]})
            check(page and "annex" in page["text"].lower(), "read_page holds the hit's words")
            await call("search", {"query": "permit", "kind": "pdf", "per_document": 1, "limit": 2, "offset": 1})
            await call("search", {"query": "ICCWC", "note": "iccwc-annual-report-2024.md"})
            pasted = await call("search", {"query": "musk deer (Moschus spp.)"})
            check(pasted is not None, "a pasted query with punctuation answers")
            documents = await call("list_documents", {})
            check(documents and len(documents["documents"]) == 3, "three documents")
            for document in documents["documents"]:
                await call("citations", {"document": document["id"]})
            status = await call("status", {})
            check(status and status["index"]["passages"] > 500, "status counts passages")
            note = next(d for d in documents["documents"] if d["kind"] == "note")
            section = await call("read_page", {"document": note["id"], "page": 2})
            check(section and section["line"] is not None, "a note's section starts at a line")

            # Errors are tool errors; the session goes on.
            await call("search", {"query": "   "}, error=True)
            await call("search", {"query": "timber", "site": "nowhere.example"}, error=True)
            await call("read_page", {"document": 12345}, error=True)
            await call("read_page", {"document": "three"}, error=True)
            again = await call("search", {"query": "timber"})
            check(again is not None and again["total"] > 0, "search after errors")

            resources = (await session.list_resources()).resources
            check(len(resources) == 3, "a resource per document")
            text = (await session.read_resource(resources[1].uri)).contents[0].text
            check(len(text) > 1000, "a document's text as a resource")
    print(f"mcp-python: {passed} passed, {failed} failed")
    return failed == 0


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main(sys.argv[1], sys.argv[2])) else 1)

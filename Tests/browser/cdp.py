#!/usr/bin/env python3
"""Drive headless Chromium by the keyboard, through the Chrome DevTools Protocol.

    cdp.py CHROMIUM URL --keys j,Enter,j,j --screenshot OUT.png [--eval EXPR]

Starts Chromium headless with a fresh profile, opens URL, presses each key as
a user would (Input.dispatchKeyEvent: keydown, char, keyup), waits for any
page load a key starts, then prints the JSON value of EXPR evaluated in the
page, and writes a screenshot. Standard library only: a minimal WebSocket
client (RFC 6455, text frames, client masking) is enough for the protocol.
Used by Tests/WebTests (the reader's keyboard test) and to make the
screenshots in docs/.
"""
import argparse, base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class Socket:
    def __init__(self, url):
        assert url.startswith("ws://")
        host_port, path = url[5:].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("websocket handshake cut")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused: " + head.decode(errors="replace"))
        self.next_id = 0
        self.events = []

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("websocket closed")
            data += chunk
        return data

    def send(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)
        return self.next_id

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            data = self._read(n)
            opcode = first & 0x0F
            if opcode == 9:  # ping
                continue
            message += data
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        wanted = self.send(method, **params)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, name, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == name:
                    del self.events[: i + 1]
                    return event
            self.events.append(self.receive())
        raise RuntimeError(f"no {name} within {timeout} s")


KEYS = {"Enter": ("Enter", "Enter", 13, "\r")}


def press(ws, key):
    name, code, vk, text = KEYS[key] if key in KEYS else (key, "Key" + key.upper(), ord(key.upper()), key)
    ws.call("Input.dispatchKeyEvent", type="rawKeyDown", key=name, code=code, windowsVirtualKeyCode=vk)
    if text:
        ws.call("Input.dispatchKeyEvent", type="char", key=name, code=code, text=text, windowsVirtualKeyCode=vk)
    ws.call("Input.dispatchKeyEvent", type="keyUp", key=name, code=code, windowsVirtualKeyCode=vk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("chromium")
    parser.add_argument("url")
    parser.add_argument("--keys", default="")
    parser.add_argument("--screenshot")
    parser.add_argument("--eval", default="JSON.stringify({url: location.href})")
    parser.add_argument("--size", default="1100,900")
    args = parser.parse_args()
    profile = tempfile.mkdtemp(prefix="dossier-chromium-")
    width, height = args.size.split(",")
    browser = subprocess.Popen([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                "--remote-debugging-port=0", f"--user-data-dir={profile}", f"--window-size={width},{height}",
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.time() > deadline:
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = open(port_file).read().split("\n")[0].strip()
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t.get("type") == "page")
        ws = Socket(page["webSocketDebuggerUrl"])
        ws.call("Page.enable")
        ws.call("Runtime.enable")
        ws.call("Page.navigate", url=args.url)
        ws.wait_event("Page.loadEventFired")
        for key in [k for k in args.keys.split(",") if k]:
            before = ws.call("Runtime.evaluate", expression="location.pathname + location.search", returnByValue=True)["result"]["value"]
            press(ws, key)
            time.sleep(0.2)
            after = ws.call("Runtime.evaluate", expression="location.pathname + location.search", returnByValue=True)
            if after.get("result", {}).get("value") != before:
                # The key opened another page: wait until it has loaded.
                ws.events = [e for e in ws.events if e.get("method") != "Page.loadEventFired"]
                state = ""
                deadline = time.time() + 15
                while state != "complete" and time.time() < deadline:
                    time.sleep(0.1)
                    state = ws.call("Runtime.evaluate", expression="document.readyState", returnByValue=True)["result"].get("value", "")
        value = ws.call("Runtime.evaluate", expression=args.eval, returnByValue=True)["result"].get("value")
        if args.screenshot:
            shot = ws.call("Page.captureScreenshot", format="png")
            with open(args.screenshot, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
        print(value)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # one line, for the test's message
        print(f"cdp.py: {error}", file=sys.stderr)
        sys.exit(1)

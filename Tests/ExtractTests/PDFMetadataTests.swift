@testable import Extract
import Foundation
import Testing

/// A PDF's citation metadata: its XMP packet, a date printed on its cover,
/// a copyright year, a title set in capitals.
@Suite("PDF metadata")
struct PDFMetadataTests {
    static let packet = """
        <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
           xmp:CreateDate="2022-10-06T20:28:15+01:00">
          <d:title><rdf:Alt><rdf:li xml:lang="fr">Un guide</rdf:li><rdf:li xml:lang="x-default">A guide to using the CITES Trade Database</rdf:li></rdf:Alt></d:title>
          <d:creator><rdf:Seq><rdf:li>UNEP-WCMC</rdf:li><rdf:li>CITES Secretariat</rdf:li></rdf:Seq></d:creator>
          <d:publisher><rdf:Bag><rdf:li>CITES Secretariat</rdf:li></rdf:Bag></d:publisher>
          <d:language><rdf:Bag><rdf:li>en</rdf:li></rdf:Bag></d:language>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"><prism:doi>10.1234/cites.2022</prism:doi></rdf:Description>
        </rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """

    @Test("XMP: the x-default title, creators in order, publisher, language, DOI and the creation date, whatever the prefixes")
    func xmp() throws {
        let xmp = try #require(XMP.read(Self.packet))
        #expect(xmp.title == "A guide to using the CITES Trade Database")
        #expect(xmp.creators == ["UNEP-WCMC", "CITES Secretariat"])
        #expect(xmp.publishers == ["CITES Secretariat"] && xmp.languages == ["en"])
        #expect(xmp.doi == "10.1234/cites.2022" && xmp.created == "2022-10-06T20:28:15+01:00")
        #expect(XMP.read("not xml <<<") == nil || XMP.read("not xml <<<") == XMP())
        // An entity is not expanded, nothing is fetched.
        let hostile = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&e;</x:xmpmeta>"#
        #expect(XMP.read(hostile)?.title == nil)
    }

    @Test("a date on a line of its own near the top of the cover, in several languages; not one inside a sentence or table")
    func printedDates() {
        let now = ISO8601DateFormatter().date(from: "2026-12-06T00:00:00Z")!
        #expect(PDFMetadata.printedDate("A guide\nVersion 9\nSeptember 2022\nCopyright", now: now) == "2022-09")
        #expect(PDFMetadata.printedDate("Guía\nVersión 8\nOctubre de 2013", now: now) == "2013-10")
        #expect(PDFMetadata.printedDate("Guide\nOctobre 2013", now: now) == "2013-10")
        #expect(PDFMetadata.printedDate("citesr: An R package\n18 July 2018\nIntroduction", now: now) == "2018-07-18")
        #expect(PDFMetadata.printedDate("EU Wildlife\nGenerated on 18 August 2026 from the online reference guide", now: now) == "2026-08-18")
        #expect(PDFMetadata.printedDate("Report\nSeptember 18, 2022", now: now) == "2022-09-18")
        #expect(PDFMetadata.printedDate("Summary\nPre-CoP1 Valid from 1 July 1975\n#1 Designates roots", now: now) == nil)
        #expect(PDFMetadata.printedDate("In March 2021, 183 States were party to the Convention and the text went on for a while longer", now: now) == nil)
        #expect(PDFMetadata.printedDate("Plan\nMay 2031", now: now) == nil)
        #expect(PDFMetadata.copyrightYear("Copyright:     2021 CITES Secretariat", now: now) == "2021")
        #expect(PDFMetadata.copyrightYear("© 2022 Secretariat of the Convention", now: now) == "2022")
        #expect(PDFMetadata.copyrightYear("no year here", now: now) == nil)
    }

    @Test("a title in capitals in title case, acronyms kept; TeX's -- a dash")
    func titles() {
        #expect(PDFMetadata.tidyTitle("HISTORICAL SUMMARY OF ANNOTATIONS") == "Historical Summary of Annotations")
        #expect(PDFMetadata.tidyTitle("HISTORY OF CITES LISTINGS") == "History of CITES Listings")
        #expect(PDFMetadata.tidyTitle("EU Wildlife Trade Regulations -- Reference Guide") == "EU Wildlife Trade Regulations – Reference Guide")
        #expect(PDFMetadata.tidyTitle("A guide to using the CITES Trade Database") == "A guide to using the CITES Trade Database")
    }
}

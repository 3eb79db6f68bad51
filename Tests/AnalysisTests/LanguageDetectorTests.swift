import Analysis
import Testing

/// The language of a page, told from its commonest words (issue 33).
@Suite("Language detector")
struct LanguageDetectorTests {
    @Test("a paragraph of running text in each language is told", arguments: [
        ("en", "The Parties shall not allow trade in specimens of species included in Appendix I except in accordance with the provisions of the Convention, and they have been asked to report on it."),
        ("fr", "Les Parties ne autorisent pas le commerce des spécimens des espèces inscrites à l'Annexe I, sauf conformément aux dispositions de la Convention, et elles doivent en faire rapport."),
        ("es", "Las Partes no permitirán el comercio de especímenes de las especies incluidas en el Apéndice I, salvo de conformidad con las disposiciones de la Convención, y deben informar sobre ello."),
        ("pt", "As Partes não permitirão o comércio de espécimes das espécies incluídas no Anexo I, exceto de acordo com as disposições da Convenção, e devem informar sobre isso."),
        ("de", "Die Vertragsparteien lassen den Handel mit Exemplaren der in Anhang I aufgeführten Arten nicht zu, es sei denn, er ist mit den Bestimmungen des Übereinkommens vereinbar, und sie werden darüber berichten."),
        ("it", "Le Parti non consentono il commercio di esemplari delle specie incluse nell'Appendice I, se non in conformità con le disposizioni della Convenzione, e sono tenute a riferire su questo."),
        ("nl", "De Partijen staan de handel in specimens van de in Bijlage I opgenomen soorten niet toe, tenzij dat in overeenstemming is met de bepalingen van het Verdrag, en zij moeten daarover rapporteren."),
    ])
    func paragraphs(_ expected: String, _ text: String) {
        #expect(LanguageDetector().detect(text)?.code == expected)
    }

    @Test("names, codes, figures and formulas say nothing: the page is undetermined")
    func undetermined() {
        let detector = LanguageDetector()
        // Country codes in capitals are not English `IN`, German `DE` or Dutch `NL`.
        #expect(detector.detect("AD AE AF AG AI AL AM AN AO AQ AR AS AT AU DE IN IS IT NL NO ANDORRA ALBANIA ARMENIA ANGOLA") == nil)
        #expect(detector.detect("Loxodonta africana 12 345 Pterocarpus santalinus 2019 2020 Dalbergia nigra") == nil)
        // A page of formulas votes `e` and `a` many times: too few different words.
        #expect(detector.detect(String(repeating: "e + a = e × a; ", count: 50)) == nil)
        #expect(detector.detect("") == nil)
        // A title line is too short to say.
        #expect(detector.detect("Guía para utilizar la Base de datos") == nil)
    }

    @Test("a document's votes are its pages' votes summed: short Spanish pages together say Spanish")
    func documentVotes() {
        let detector = LanguageDetector()
        let pages = ["Guía para utilizar la base", "de datos sobre el comercio", "y las unidades"]
        #expect(pages.allSatisfy { detector.detect($0) == nil })
        let total = pages.map(detector.votes).reduce(LanguageDetector.Votes(), +)
        #expect(total.winner == Language.spanish)
    }

    @Test("language codes are read in any case, lists split on commas, and unknown codes refused")
    func codes() {
        #expect(Language(code: "FR") == Language.french)
        #expect(Language(code: "xx") == nil)
        #expect(Language.list("en,fr es") == [Language.english, Language.french, Language.spanish])
        #expect(Language.list("en,zz") == nil)
        #expect(Language.french.name == "French")
    }
}

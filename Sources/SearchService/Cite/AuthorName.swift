import Foundation

/// An author as a citation needs it: a person's family and given names,
/// or an organization's name taken whole ("CITES Secretariat" is no Mr
/// Secretariat).
///
/// Metadata gives a name as one string. It is an organization when it
/// holds a word organizations are named with (secretariat, commission,
/// programme, centre, … in the library's languages), an acronym
/// ("UNEP-WCMC"), a digit, or more than five words; a person when it is
/// "Family, Given" or two to five words that start with a capital; else it
/// is kept whole. A person's family name is the last word with the
/// particles before it ("Simão Belchior de Castro": given "Simão
/// Belchior", particle "de", family "Castro").
public enum AuthorName: Equatable, Sendable {
    /// A person.
    case person(given: String, particle: String?, family: String)
    /// An organization, or a name that cannot be split: taken whole.
    case literal(String)

    /// Reads one name.
    public init(_ name: String) {
        let words = name.split(whereSeparator: \.isWhitespace).map(String.init)
        let lower = words.map { $0.lowercased().trimmingCharacters(in: .punctuationCharacters) }
        let acronym = words.contains { word in
            let letters = word.unicodeScalars.filter(\.properties.isAlphabetic)
            return letters.count >= 2 && letters.allSatisfy(\.properties.isUppercase)
        }
        if words.isEmpty || words.count > 5 || acronym || name.contains(where: \.isNumber)
            || lower.contains(where: Self.organizationWords.contains) {
            self = .literal(name)
            return
        }
        let commas = name.split(separator: ",", omittingEmptySubsequences: false)
        if commas.count == 2 {
            let family = commas[0].trimmingCharacters(in: .whitespaces), given = commas[1].trimmingCharacters(in: .whitespaces)
            if !family.isEmpty, !given.isEmpty {
                self = Self.split(family: family, given: given)
                return
            }
        }
        let capitalized = words.allSatisfy { word in
            Self.particles.contains(word.lowercased()) || word.first.map { $0.isUppercase } == true
        }
        guard words.count >= 2, capitalized, !name.contains(",") else {
            self = .literal(name)
            return
        }
        var familyStart = words.count - 1
        while familyStart > 1, Self.particles.contains(words[familyStart - 1].lowercased()) { familyStart -= 1 }
        let particle = familyStart < words.count - 1 ? words[familyStart..<(words.count - 1)].joined(separator: " ") : nil
        self = .person(given: words[..<familyStart].joined(separator: " "), particle: particle, family: words[words.count - 1])
    }

    /// "de Castro" written first, "Castro, Simão".
    private static func split(family: String, given: String) -> AuthorName {
        let words = family.split(separator: " ").map(String.init)
        var start = 0
        while start < words.count - 1, particles.contains(words[start].lowercased()) { start += 1 }
        let particle = start > 0 ? words[..<start].joined(separator: " ") : nil
        return .person(given: given, particle: particle, family: words[start...].joined(separator: " "))
    }

    /// Words between a given name and a family name that belong to the family name.
    static let particles: Set<String> = ["de", "da", "das", "do", "dos", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "ter", "ten", "zu"]

    /// Words that name organizations, in the library's languages.
    static let organizationWords: Set<String> = [
        "secretariat", "secretaría", "secretaria", "secrétariat", "commission", "comisión", "comissão", "office", "bureau", "oficina",
        "programme", "program", "programa", "union", "unión", "organization", "organisation", "organización", "agency", "agence",
        "agencia", "ministry", "ministère", "ministerio", "department", "département", "departamento", "centre", "center", "centro",
        "university", "université", "universidad", "institute", "institut", "instituto", "council", "conseil", "consejo", "fund",
        "fonds", "fondo", "society", "société", "sociedad", "network", "réseau", "red", "association", "asociación", "committee",
        "comité", "service", "services", "foundation", "fondation", "fundación", "trust", "bank", "group", "groupe", "grupo",
        "government", "gouvernement", "gobierno", "team", "unit", "traffic", "world", "international", "national", "nations",
        "convention", "convención", "parliament", "parlement", "parlamento", "council", "police", "interpol", "customs", "douane",
        "aduanas", "authority", "autorité", "autoridad", "partnership", "consortium", "initiative", "project", "projet", "proyecto",
        "inc", "ltd", "llc", "gmbh", "s.a.", "press", "publishing", "editions", "éditions", "ediciones", "wikipedia", "contributors",
    ]
}

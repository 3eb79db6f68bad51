/// The original Porter stemmer, exactly as SQLite FTS5's `porter` tokenizer
/// applies it (fts5_tokenize.c): on the folded UTF-8 bytes of a token of 3 to
/// 64 bytes, with bytes outside a–z counting as consonants. Where FTS5 reads
/// the byte before the buffer (a one-byte stem), this reads 0, which is what
/// FTS5 finds there on x86-64 (the high byte of a pointer).
///
/// The rules of steps 1b–4 are tables, as in FTS5's generated code: for the
/// next-to-last byte, suffixes in order; the first suffix that matches
/// decides, whether or not its condition holds. Stemming works in place on
/// the caller's buffer and allocates nothing.
enum PorterStemmer {
    /// Longest token that is stemmed, in bytes.
    static let maximumLength = 64

    enum Condition { case none, mGt0, mGt1, mGt1AndSOrT, vowel }

    /// A rule, plain data (suffix and output packed into integers, byte k at
    /// bits 8k), so that walking the tables retains nothing.
    struct Rule {
        let suffix: UInt64
        let suffixCount: Int
        let condition: Condition
        let output: UInt64
        let outputCount: Int
        init(_ suffix: String, _ condition: Condition, _ output: String) {
            func pack(_ s: String) -> UInt64 {
                var v: UInt64 = 0
                for (k, c) in s.utf8.enumerated() { v |= UInt64(c) << UInt64(8 * k) }
                return v
            }
            self.suffix = pack(suffix)
            suffixCount = suffix.utf8.count
            self.condition = condition
            self.output = pack(output)
            outputCount = output.utf8.count
        }
    }

    /// Rules by the next-to-last byte of the word: those for byte c are
    /// `rules[starts[c]..<starts[c + 1]]`. The rules and starts are made
    /// once and live as long as the process (never freed): a table is
    /// walked through pointers, so fetching it counts no reference and
    /// reading it checks no bounds (the keys are bytes, the starts built
    /// below from the rules).
    struct RuleTable: @unchecked Sendable {
        let rules: UnsafePointer<Rule>
        let starts: UnsafePointer<Int32>
    }

    static func table(_ rules: [(Character, [Rule])]) -> RuleTable {
        var byKey = [[Rule]](repeating: [], count: 256)
        for (c, list) in rules { byKey[Int(c.asciiValue!)] = list }
        let flat = byKey.flatMap { $0 }
        let starts = UnsafeMutablePointer<Int32>.allocate(capacity: 257)
        starts[0] = 0
        for (c, list) in byKey.enumerated() { starts[c + 1] = starts[c] + Int32(list.count) }
        let stored = UnsafeMutablePointer<Rule>.allocate(capacity: max(1, flat.count))
        stored.initialize(from: flat, count: flat.count)
        return RuleTable(rules: UnsafePointer(stored), starts: UnsafePointer(starts))
    }

    /// The four tables, fetched once per word.
    struct Tables {
        let step1B2: RuleTable, step2: RuleTable, step3: RuleTable, step4: RuleTable
    }
    static let tables = Tables(step1B2: step1B2, step2: step2, step3: step3, step4: step4)

    static let step2 = table([
        ("a", [Rule("ational", .mGt0, "ate"), Rule("tional", .mGt0, "tion")]),
        ("c", [Rule("enci", .mGt0, "ence"), Rule("anci", .mGt0, "ance")]),
        ("e", [Rule("izer", .mGt0, "ize")]),
        ("g", [Rule("logi", .mGt0, "log")]),
        ("l", [Rule("bli", .mGt0, "ble"), Rule("alli", .mGt0, "al"), Rule("entli", .mGt0, "ent"), Rule("eli", .mGt0, "e"), Rule("ousli", .mGt0, "ous")]),
        ("o", [Rule("ization", .mGt0, "ize"), Rule("ation", .mGt0, "ate"), Rule("ator", .mGt0, "ate")]),
        ("s", [Rule("alism", .mGt0, "al"), Rule("iveness", .mGt0, "ive"), Rule("fulness", .mGt0, "ful"), Rule("ousness", .mGt0, "ous")]),
        ("t", [Rule("aliti", .mGt0, "al"), Rule("iviti", .mGt0, "ive"), Rule("biliti", .mGt0, "ble")]),
    ])
    static let step3 = table([
        ("a", [Rule("ical", .mGt0, "ic")]),
        ("s", [Rule("ness", .mGt0, "")]),
        ("t", [Rule("icate", .mGt0, "ic"), Rule("iciti", .mGt0, "ic")]),
        ("u", [Rule("ful", .mGt0, "")]),
        ("v", [Rule("ative", .mGt0, "")]),
        ("z", [Rule("alize", .mGt0, "al")]),
    ])
    static let step4 = table([
        ("a", [Rule("al", .mGt1, "")]),
        ("c", [Rule("ance", .mGt1, ""), Rule("ence", .mGt1, "")]),
        ("e", [Rule("er", .mGt1, "")]),
        ("i", [Rule("ic", .mGt1, "")]),
        ("l", [Rule("able", .mGt1, ""), Rule("ible", .mGt1, "")]),
        ("n", [Rule("ant", .mGt1, ""), Rule("ement", .mGt1, ""), Rule("ment", .mGt1, ""), Rule("ent", .mGt1, "")]),
        ("o", [Rule("ion", .mGt1AndSOrT, ""), Rule("ou", .mGt1, "")]),
        ("s", [Rule("ism", .mGt1, "")]),
        ("t", [Rule("ate", .mGt1, ""), Rule("iti", .mGt1, "")]),
        ("u", [Rule("ous", .mGt1, "")]),
        ("v", [Rule("ive", .mGt1, "")]),
        ("z", [Rule("ize", .mGt1, "")]),
    ])
    static let step1B2 = table([
        ("a", [Rule("at", .none, "ate")]),
        ("b", [Rule("bl", .none, "ble")]),
        ("i", [Rule("iz", .none, "ize")]),
    ])

    /// Stems `buffer[0..<length]` in place (the buffer has room to grow by a
    /// few bytes); returns the new length.
    static func stem(_ buffer: inout [UInt8], _ length: Int) -> Int {
        if buffer.count < length + 8 { buffer.append(contentsOf: repeatElement(0, count: length + 8 - buffer.count)) }
        return buffer.withUnsafeMutableBufferPointer { b in stem(b, length) }
    }

    static func stem(_ b: UnsafeMutableBufferPointer<UInt8>, _ length: Int) -> Int {
        let tables = Self.tables
        var n = length
        @inline(__always) func at(_ i: Int) -> UInt8 { i >= 0 ? b[i] : 0 }
        // Step 1a.
        if at(n - 1) == 0x73 {  // s
            if at(n - 2) == 0x65 {  // e
                if (n > 4 && at(n - 4) == 0x73 && at(n - 3) == 0x73) || (n > 3 && at(n - 3) == 0x69) { n -= 2 } else { n -= 1 }
            } else if at(n - 2) != 0x73 {
                n -= 1
            }
        }
        // Step 1b.
        var step1b = false
        if at(n - 2) == 0x65 {  // e
            if ends(b, n, "eed") {
                if mGt0(b, n - 3) { n -= 1 }  // eed → ee
            } else if ends(b, n, "ed") {
                if hasVowel(b, n - 2) { n -= 2; step1b = true }
            }
        } else if at(n - 2) == 0x6E, ends(b, n, "ing"), hasVowel(b, n - 3) {  // n
            n -= 3
            step1b = true
        }
        if step1b {
            if apply(tables.step1B2, b, &n) != true {
                let c = at(n - 1)
                if !isVowel(c, false) && c != 0x6C && c != 0x73 && c != 0x7A && c == at(n - 2) {
                    n -= 1
                } else if mEq1(b, n) && oStar(b, n) {
                    b[n] = 0x65
                    n += 1
                }
            }
        }
        // Step 1c.
        if at(n - 1) == 0x79 && hasVowel(b, n - 1) { b[n - 1] = 0x69 }
        _ = apply(tables.step2, b, &n)
        _ = apply(tables.step3, b, &n)
        _ = apply(tables.step4, b, &n)
        // Step 5a.
        if at(n - 1) == 0x65, mGt1(b, n - 1) || (mEq1(b, n - 1) && !oStar(b, n - 1)) { n -= 1 }
        // Step 5b.
        if n > 1 && at(n - 1) == 0x6C && at(n - 2) == 0x6C && mGt1(b, n - 1) { n -= 1 }
        return n
    }

    /// The first rule whose suffix matches decides: nil if none matched, else whether it applied.
    static func apply(_ table: RuleTable, _ b: UnsafeMutableBufferPointer<UInt8>, _ n: inout Int) -> Bool? {
        let key = n >= 2 ? Int(b[n - 2]) : 0
        for r in Int(table.starts[key])..<Int(table.starts[key + 1]) {
            let rule = table.rules[r]
            guard n > rule.suffixCount, endsWith(b, n, rule.suffix, rule.suffixCount) else { continue }
            let stem = n - rule.suffixCount
            let ok: Bool
            switch rule.condition {
            case .none: ok = true
            case .mGt0: ok = mGt0(b, stem)
            case .mGt1: ok = mGt1(b, stem)
            case .mGt1AndSOrT: ok = stem > 0 && (b[stem - 1] == 0x73 || b[stem - 1] == 0x74) && mGt1(b, stem)
            case .vowel: ok = hasVowel(b, stem)
            }
            if ok {
                for k in 0..<rule.outputCount { b[stem + k] = UInt8(truncatingIfNeeded: rule.output &>> UInt64(8 * k)) }
                n = stem + rule.outputCount
            }
            return ok
        }
        return nil
    }

    @inline(__always) static func endsWith(_ b: UnsafeMutableBufferPointer<UInt8>, _ n: Int, _ suffix: UInt64, _ count: Int) -> Bool {
        let start = n - count
        for k in 0..<count where b[start + k] != UInt8(truncatingIfNeeded: suffix &>> UInt64(8 * k)) { return false }
        return true
    }

    @inline(__always) static func ends(_ b: UnsafeMutableBufferPointer<UInt8>, _ n: Int, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard n > count else { return false }
        let s = suffix.utf8Start
        for k in 0..<count where b[n - count + k] != s[k] { return false }
        return true
    }

    @inline(__always) static func isVowel(_ c: UInt8, _ yIsVowel: Bool) -> Bool {
        c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 || (yIsVowel && c == 0x79)
    }

    /// Length of the stem after its first VC (vowels then a consonant), or 0.
    static func gobbleVC(_ s: UnsafeMutableBufferPointer<UInt8>, _ from: Int, _ count: Int, _ previousConsonant: Bool) -> Int {
        var consonant = previousConsonant
        var i = 0
        while i < count {
            consonant = !isVowel(s[from + i], consonant)
            if !consonant { break }
            i += 1
        }
        i += 1
        while i < count {
            consonant = !isVowel(s[from + i], consonant)
            if consonant { return i + 1 }
            i += 1
        }
        return 0
    }

    static func mGt0(_ s: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Bool { n > 0 && gobbleVC(s, 0, n, false) != 0 }
    static func mGt1(_ s: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        let k = gobbleVC(s, 0, n, false)
        return k != 0 && gobbleVC(s, k, n - k, true) != 0
    }
    static func mEq1(_ s: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        let k = gobbleVC(s, 0, n, false)
        return k != 0 && gobbleVC(s, k, n - k, true) == 0
    }
    static func oStar(_ s: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Bool {
        let last = n > 0 ? s[n - 1] : 0
        if last == 0x77 || last == 0x78 || last == 0x79 { return false }
        var mask = 0
        var consonant = false
        for i in 0..<max(0, n) {
            consonant = !isVowel(s[i], consonant)
            mask = (mask << 1) + (consonant ? 1 : 0)
        }
        return mask & 0x7 == 0x5
    }
    static func hasVowel(_ s: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<max(0, n) where isVowel(s[i], i > 0) { return true }
        return false
    }
}

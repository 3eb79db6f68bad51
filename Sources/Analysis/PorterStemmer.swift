/// The original Porter stemmer, exactly as SQLite FTS5's `porter` tokenizer
/// applies it (fts5_tokenize.c): on the folded UTF-8 bytes of a token of 3 to
/// 64 bytes, with bytes outside a–z counting as consonants. Where FTS5 reads
/// the byte before the buffer (a one-byte stem), this reads 0, which is what
/// FTS5 finds there on x86-64 (the high byte of a pointer).
enum PorterStemmer {
    /// Longest token that is stemmed, in bytes.
    static let maximumLength = 64

    /// Stems `buffer[0..<length]` in place; returns the new length.
    static func stem(_ buffer: inout [UInt8], _ length: Int) -> Int {
        var w = Word(b: Array(buffer[0..<length]) + [UInt8](repeating: 0, count: 8), n: length)
        w.step1A()
        if w.step1B() {
            if !w.step1B2() {
                let c = w.at(w.n - 1)
                if !isVowel(c, false) && c != a("l") && c != a("s") && c != a("z") && c == w.at(w.n - 2) {
                    w.n -= 1
                } else if mEq1(w.b, w.n) && oStar(w.b, w.n) {
                    w.set(w.n, a("e")); w.n += 1
                }
            }
        }
        // Step 1C.
        if w.at(w.n - 1) == a("y") && hasVowel(w.b, w.n - 1) { w.set(w.n - 1, a("i")) }
        w.step2()
        w.step3()
        w.step4()
        // Step 5a.
        if w.at(w.n - 1) == a("e") {
            if mGt1(w.b, w.n - 1) || (mEq1(w.b, w.n - 1) && !oStar(w.b, w.n - 1)) { w.n -= 1 }
        }
        // Step 5b.
        if w.n > 1 && w.at(w.n - 1) == a("l") && w.at(w.n - 2) == a("l") && mGt1(w.b, w.n - 1) { w.n -= 1 }
        for k in 0..<w.n { buffer[k] = w.b[k] }
        return w.n
    }

    @inline(__always) static func a(_ s: Unicode.Scalar) -> UInt8 { UInt8(s.value) }

    static func isVowel(_ c: UInt8, _ yIsVowel: Bool) -> Bool {
        c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 || (yIsVowel && c == 0x79)
    }

    /// Length of the stem after its first VC (vowels then a consonant), or 0.
    static func gobbleVC(_ s: [UInt8], _ from: Int, _ count: Int, _ previousConsonant: Bool) -> Int {
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

    static func mGt0(_ s: [UInt8], _ n: Int) -> Bool { n > 0 && gobbleVC(s, 0, n, false) != 0 }
    static func mGt1(_ s: [UInt8], _ n: Int) -> Bool {
        guard n > 0 else { return false }
        let k = gobbleVC(s, 0, n, false)
        return k != 0 && gobbleVC(s, k, n - k, true) != 0
    }
    static func mEq1(_ s: [UInt8], _ n: Int) -> Bool {
        guard n > 0 else { return false }
        let k = gobbleVC(s, 0, n, false)
        return k != 0 && gobbleVC(s, k, n - k, true) == 0
    }
    static func oStar(_ s: [UInt8], _ n: Int) -> Bool {
        let last = n > 0 ? s[n - 1] : 0
        if last == a("w") || last == a("x") || last == a("y") { return false }
        var mask = 0
        var consonant = false
        for i in 0..<max(0, n) {
            consonant = !isVowel(s[i], consonant)
            mask = (mask << 1) + (consonant ? 1 : 0)
        }
        return mask & 0x7 == 0x5
    }
    static func hasVowel(_ s: [UInt8], _ n: Int) -> Bool {
        for i in 0..<max(0, n) where isVowel(s[i], i > 0) { return true }
        return false
    }

    /// A word being stemmed: bytes and current length.
    struct Word {
        var b: [UInt8]
        var n: Int

        @inline(__always) func at(_ i: Int) -> UInt8 { i >= 0 && i < b.count ? b[i] : 0 }
        mutating func set(_ i: Int, _ c: UInt8) {
            if i >= b.count { b.append(contentsOf: repeatElement(0, count: i - b.count + 8)) }
            b[i] = c
        }

        func ends(_ suffix: String) -> Bool {
            let s = Array(suffix.utf8)
            guard n > s.count else { return false }
            for k in 0..<s.count where b[n - s.count + k] != s[k] { return false }
            return true
        }

        mutating func replace(_ suffix: Int, with output: String) {
            let o = Array(output.utf8)
            let stem = n - suffix
            for (k, c) in o.enumerated() { set(stem + k, c) }
            n = stem + o.count
        }

        /// One rule of a generated step: suffix, condition on the stem, replacement.
        mutating func rule(_ suffix: String, _ condition: ([UInt8], Int) -> Bool, _ output: String) -> Bool? {
            guard ends(suffix) else { return nil }
            let stem = n - suffix.utf8.count
            if condition(b, stem) { replace(suffix.utf8.count, with: output); return true }
            return false
        }

        /// Tries rules in order; the first whose suffix matches decides.
        mutating func first(_ rules: [(String, ([UInt8], Int) -> Bool, String)]) {
            for (suffix, condition, output) in rules where rule(suffix, condition, output) != nil { return }
        }

        mutating func step1A() {
            guard at(n - 1) == PorterStemmer.a("s") else { return }
            if at(n - 2) == PorterStemmer.a("e") {
                if (n > 4 && at(n - 4) == PorterStemmer.a("s") && at(n - 3) == PorterStemmer.a("s"))
                    || (n > 3 && at(n - 3) == PorterStemmer.a("i")) {
                    n -= 2
                } else {
                    n -= 1
                }
            } else if at(n - 2) != PorterStemmer.a("s") {
                n -= 1
            }
        }

        mutating func step1B() -> Bool {
            switch at(n - 2) {
            case PorterStemmer.a("e"):
                if ends("eed") {
                    if PorterStemmer.mGt0(b, n - 3) { replace(3, with: "ee") }
                } else if ends("ed") {
                    if PorterStemmer.hasVowel(b, n - 2) { n -= 2; return true }
                }
            case PorterStemmer.a("n"):
                if ends("ing"), PorterStemmer.hasVowel(b, n - 3) { n -= 3; return true }
            default: break
            }
            return false
        }

        mutating func step1B2() -> Bool {
            switch at(n - 2) {
            case PorterStemmer.a("a"): if ends("at") { replace(2, with: "ate"); return true }
            case PorterStemmer.a("b"): if ends("bl") { replace(2, with: "ble"); return true }
            case PorterStemmer.a("i"): if ends("iz") { replace(2, with: "ize"); return true }
            default: break
            }
            return false
        }

        mutating func step2() {
            let m0 = PorterStemmer.mGt0
            switch at(n - 2) {
            case PorterStemmer.a("a"): first([("ational", m0, "ate"), ("tional", m0, "tion")])
            case PorterStemmer.a("c"): first([("enci", m0, "ence"), ("anci", m0, "ance")])
            case PorterStemmer.a("e"): first([("izer", m0, "ize")])
            case PorterStemmer.a("g"): first([("logi", m0, "log")])
            case PorterStemmer.a("l"): first([("bli", m0, "ble"), ("alli", m0, "al"), ("entli", m0, "ent"), ("eli", m0, "e"), ("ousli", m0, "ous")])
            case PorterStemmer.a("o"): first([("ization", m0, "ize"), ("ation", m0, "ate"), ("ator", m0, "ate")])
            case PorterStemmer.a("s"): first([("alism", m0, "al"), ("iveness", m0, "ive"), ("fulness", m0, "ful"), ("ousness", m0, "ous")])
            case PorterStemmer.a("t"): first([("aliti", m0, "al"), ("iviti", m0, "ive"), ("biliti", m0, "ble")])
            default: break
            }
        }

        mutating func step3() {
            let m0 = PorterStemmer.mGt0
            switch at(n - 2) {
            case PorterStemmer.a("a"): first([("ical", m0, "ic")])
            case PorterStemmer.a("s"): first([("ness", m0, "")])
            case PorterStemmer.a("t"): first([("icate", m0, "ic"), ("iciti", m0, "ic")])
            case PorterStemmer.a("u"): first([("ful", m0, "")])
            case PorterStemmer.a("v"): first([("ative", m0, "")])
            case PorterStemmer.a("z"): first([("alize", m0, "al")])
            default: break
            }
        }

        mutating func step4() {
            let m1 = PorterStemmer.mGt1
            let st: ([UInt8], Int) -> Bool = { s, k in
                k > 0 && (s[k - 1] == PorterStemmer.a("s") || s[k - 1] == PorterStemmer.a("t")) && PorterStemmer.mGt1(s, k)
            }
            switch at(n - 2) {
            case PorterStemmer.a("a"): first([("al", m1, "")])
            case PorterStemmer.a("c"): first([("ance", m1, ""), ("ence", m1, "")])
            case PorterStemmer.a("e"): first([("er", m1, "")])
            case PorterStemmer.a("i"): first([("ic", m1, "")])
            case PorterStemmer.a("l"): first([("able", m1, ""), ("ible", m1, "")])
            case PorterStemmer.a("n"): first([("ant", m1, ""), ("ement", m1, ""), ("ment", m1, ""), ("ent", m1, "")])
            case PorterStemmer.a("o"): first([("ion", st, ""), ("ou", m1, "")])
            case PorterStemmer.a("s"): first([("ism", m1, "")])
            case PorterStemmer.a("t"): first([("ate", m1, ""), ("iti", m1, "")])
            case PorterStemmer.a("u"): first([("ous", m1, "")])
            case PorterStemmer.a("v"): first([("ive", m1, "")])
            case PorterStemmer.a("z"): first([("ize", m1, "")])
            default: break
            }
        }
    }
}

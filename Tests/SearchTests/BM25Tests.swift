import Search
import Testing

@Suite("BM25")
struct BM25Tests {
    @Test("the length table's contribution is the formula's very double, for every frequency and length, in the table or past it",
          arguments: [7.25, 31.0, 180.5])
    func lengthTable(averageLength: Double) {
        let table = BM25.LengthTable(averageLength: averageLength)
        for idf in [1e-6, 0.37, 2.9, 8.75] {
            for f in UInt32(1)...UInt32(BM25.LengthTable.frequencies + 3) {
                for length in [0, 1, 2, 9, 57, 300, UInt32(BM25.LengthTable.size - 1), UInt32(BM25.LengthTable.size), 5000] {
                    let expected = BM25.contribution(idf: idf, f: Double(f), norm: BM25.norm(length: Double(length), averageLength: averageLength))
                    #expect(table.contribution(idf: idf, f: f, length: length).bitPattern == expected.bitPattern,
                            "idf \(idf) f \(f) length \(length)")
                }
            }
        }
    }
}

/// # Segment file format (version 8)
///
/// A segment is one immutable file, `index/segments/<name>.seg`, holding the
/// inverted index of a batch of passages. It is written once, fsynced, and
/// only ever read (memory-mapped) afterwards; deleting passages never touches
/// it (deletions live in the manifest), and merging writes a new segment.
///
/// All fixed-width integers are little-endian; `varint` is LEB128.
///
/// ```text
/// header      8  magic "DOSSEG08"
///             8  passage count n
///             8  token count (sum of the passages' lengths)
///             8  term count t
///             8  offset of the passage ids
///             8  offset of the passage lengths
///             8  offset of the passage documents
///             8  offset of the dictionary's block index
///             8  number of dictionary blocks
///             8  offset of the dictionary
///             8  offset of the postings
///             8  offset of the positions
///             8  offset of the padding (= file size − 8)
///             8  offset of the lexicon
/// ids         n × 8   passage ids, ascending (a passage's *local number* is
///                     its place in this table)
/// lengths     n × 4   passage lengths in tokens (exact: BM25 needs them)
/// documents   n × 4   the catalog document each passage belongs to, so that
///                     search groups and filters hits without asking the catalog
/// dictionary  block index and front-coded terms, each with the number of
///             passages and of documents holding it (see TermDictionary.swift)
/// postings    per term, in dictionary order: for a term held by many
///             passages, its document list (see Postings/DocumentList.swift);
///             then its skip table and blocks of 128 bit-packed postings (see
///             Postings/PostingsWriter.swift)
/// positions   per term, in dictionary order: one bit-packed group per block
/// lexicon     per language, how often each word occurs as written (see
///             Lexicon/SurfaceLexicon.swift)
/// padding     8 zero bytes, so that 8-byte reads of packed runs stay in the file
/// ```
///
/// Positions count the passage's tokens from 0, as FTS5 does; phrases and
/// NEAR need them. The header's counts are the segment's statistics; the
/// index adds them up over live segments and subtracts deleted passages, so
/// BM25 sees exact collection statistics.
///
/// Version 8 adds the document lists: the dictionary entry's postings
/// offset of a term that has one (the entry's counts say whether it does)
/// points at the list, its postings following it. Version 7 (`DOSSEG07`),
/// the same file without them, is still read: a search by document groups
/// such a segment's postings by document as it reads them, and a merge of
/// segments of version 7 or 8 writes version 8 (one with a version 6
/// segment, whose words' languages are not counted, writes version 6).
/// Version 7 adds the lexicon, and its offset as the header's last field
/// (so its header is 112 bytes; version 6's and 5's, without that field,
/// are 104). Version 6 (`DOSSEG06`) is still read, without a lexicon: an
/// index holding such a segment is rebuilt from the catalog by the next
/// `dossier index` or `dossier update`, since a lexicon that knows only
/// some segments' words would tell languages wrong.
/// Version 6 adds to each term's dictionary entry the number of documents
/// holding it, so that a one-word search's count of documents is read, not
/// walked. Version 5 (`DOSSEG05`), the same file without that number, is
/// still read (its documents are counted by walking the postings), and its
/// segments are rewritten as version 6 when merged. Earlier versions are no
/// longer read: an index holding them is rebuilt from the catalog by the
/// next `dossier index` or `dossier update`.
/// Version 1 (`DOSSEG01`) had varint postings with positions inline and no
/// skip data; version 2 (`DOSSEG02`) bounded a block by its largest tf and
/// shortest passage alone, where version 3 keeps the block's frontier;
/// version 4 adds each passage's document; version 5 bit-packs a last
/// block of 8 to 127 postings, which version 4 varint-coded.
enum SegmentFormat {
    static let magic: [UInt8] = Array("DOSSEG08".utf8)
    /// Version 7: read, without document lists.
    static let magicWithoutDocumentLists: [UInt8] = Array("DOSSEG07".utf8)
    /// Version 6: read, without a lexicon.
    static let magicWithoutLexicon: [UInt8] = Array("DOSSEG06".utf8)
    /// Version 5: read, without documents per term.
    static let magicWithoutDocumentCounts: [UInt8] = Array("DOSSEG05".utf8)
    static let previousMagics: [[UInt8]] = ["DOSSEG01", "DOSSEG02", "DOSSEG03", "DOSSEG04"].map { Array($0.utf8) }
    /// The header of versions 7 and 8; versions 5 and 6 lack its last field.
    static let headerSize = 112
    static let headerSizeWithoutLexicon = 104
    static let paddingSize = 8
}

/// Holds a segment's sections as terms arrive in byte order (the
/// dictionary's entries, the encoded postings and positions, appended by
/// `SegmentWriter.serialize`), then assembles the file (see ``SegmentFormat``).
struct SegmentSerializer {
    var dictionary = TermDictionaryWriter()
    var postings: [UInt8] = []
    var positions: [UInt8] = []
    let lengths: [UInt32]

    init(lengths: [UInt32]) { self.lengths = lengths }

    /// The file's bytes: format 8 with `lexicon` and the postings holding
    /// `documentLists`, format 7 with `lexicon` alone, else format 6 (format
    /// 5 when the dictionary writes no document counts).
    func finish(ids: [Int64], documents: [UInt32], tokens: UInt64, lexicon: SurfaceLexicon?, documentLists: Bool) -> [UInt8] {
        let n = ids.count
        let lexicon = dictionary.writesDocumentCounts ? lexicon : nil
        var lexiconBytes: [UInt8] = []
        lexicon?.serialize(into: &lexiconBytes)
        let idsStart = lexicon == nil ? SegmentFormat.headerSizeWithoutLexicon : SegmentFormat.headerSize
        let lengthsStart = idsStart + n * 8
        let documentsStart = lengthsStart + n * 4
        let indexStart = documentsStart + n * 4
        let dictionaryStart = indexStart + dictionary.blockOffsets.count * 4
        let postingsStart = dictionaryStart + dictionary.bytes.count
        let positionsStart = postingsStart + postings.count
        let lexiconStart = positionsStart + positions.count
        let paddingStart = lexiconStart + lexiconBytes.count
        var out: [UInt8] = []
        out.reserveCapacity(paddingStart + SegmentFormat.paddingSize)
        out.append(contentsOf: lexicon != nil ? (documentLists ? SegmentFormat.magic : SegmentFormat.magicWithoutDocumentLists)
                   : dictionary.writesDocumentCounts ? SegmentFormat.magicWithoutLexicon : SegmentFormat.magicWithoutDocumentCounts)
        for value in [n, Int(tokens), dictionary.count, idsStart, lengthsStart, documentsStart, indexStart, dictionary.blockOffsets.count,
                      dictionaryStart, postingsStart, positionsStart, paddingStart] {
            appendUInt64(UInt64(value), to: &out)
        }
        if lexicon != nil { appendUInt64(UInt64(lexiconStart), to: &out) }
        for id in ids { appendUInt64(UInt64(bitPattern: id), to: &out) }
        for length in lengths { appendUInt32(length, to: &out) }
        for document in documents { appendUInt32(document, to: &out) }
        for offset in dictionary.blockOffsets { appendUInt32(offset, to: &out) }
        out.append(contentsOf: dictionary.bytes)
        out.append(contentsOf: postings)
        out.append(contentsOf: positions)
        out.append(contentsOf: lexiconBytes)
        out.append(contentsOf: repeatElement(0, count: SegmentFormat.paddingSize))
        return out
    }
}

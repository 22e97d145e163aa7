// Package nameindex is the in-memory name search index of the registry of market
// entities (市场主体): it finds every entity whose current or former name (曾用名)
// contains a fragment, with filters on region, industry, status and type, and returns
// one page of IDs, newest first, with the exact number of matches for "共 N 条".
//
// ARCHITECTURE.md: hot paths keep compact in-memory indexes. Searching names with
// LIKE '%湛江%' scans the table; at a million entities that is hundreds of
// milliseconds per request. This index answers the same question in microseconds for
// the common case and in a few milliseconds for the worst.
//
// # Matching
//
// Names and fragments are folded by Normalize (full-width and half-width forms,
// Chinese and ASCII punctuation, case, white space). An entity matches when one of
// its folded names contains the folded fragment. Names of one entity are kept apart:
// a fragment never matches across the end of one name and the start of the next.
//
// # Design
//
// The bulk of the index is an immutable segment:
//
//   - Each distinct rune gets a dense 16-bit code, so that a gram of up to four runes
//     packs into a uint64 key (a<<48|b<<32|c<<16|d). Documents get ordinals in
//     ascending ID order.
//   - For every 2-, 3- and 4-gram of the names, the ordinals of the documents that
//     contain it, once each, in CSR form: sorted keys, offsets and one []uint32 of
//     postings. Every list is sorted by ID, so newest first is a walk from the end of
//     a list, and a page never sorts the match set. A name's last rune c also gets the
//     2-gram (c, end).
//   - A fragment of 2 to 4 runes is one binary search, and the list is exactly its
//     matches: the total is the list's length. A single rune c is the union of the
//     2-grams (c, x), which are adjacent in key order (a bitmap when they are long).
//   - A fragment of 5 runes or more takes a cover of itself by 4-grams (the first, the
//     last and, between them, the ones with fewest postings, without gaps) and
//     intersects their lists rarest first. Each 4-gram posting also records, in one
//     byte, where the gram starts in the document (or that it occurs twice, or past
//     rune 253); when every gram of the cover occurs once, at the offsets the
//     fragment gives them, the document contains the fragment. Only the other
//     documents, a few, are checked against their text. So 食品有限公司 (82,000
//     matches in the benchmark) reads two posting lists in order and no text.
//   - The filters are two per-document columns: the region, and the class, which is a
//     combination of industry, status and type. A query turns its filters into two
//     tables of 0 and 1 over the regions and classes of the segment (an industry
//     section letter is resolved through sectionOf once per class, at build time), and
//     counts its candidates in parallel without branches. The count keeps the number
//     of matches per block of 1,024 candidates, so a deep page skips whole blocks.
//
// Changes go to a small delta: Upsert puts the new version of a document there and
// marks the segment's copy dead in a bitset; Delete marks it dead. Every search scans
// the delta (at most 16,384 documents) besides the segment and merges the two by ID.
// When the delta and the dead documents reach n/128 (at least 1,024, at most 16,384),
// a goroutine builds a new segment from the live documents and the delta while
// searches and writes go on; writes made meanwhile are logged and replayed on the new
// segment when it is swapped in. Compact does the same on demand and waits. The
// segment holds no pointers per document, so the garbage collector does not scan it.
//
// Other designs were weighed. A trigram index alone leaves 有限公司 to intersect and
// check 300,000 candidates; exact lists for 2-, 3- and 4-grams make every fragment of
// up to four runes one lookup with its count. A suffix array counts occurrences, not
// entities, so it cannot give an exact total for a name that contains the fragment
// twice or a former name without a pass over the matches, and it returns them in text
// order, not by ID.
//
// # Cost
//
// Measured on 1,000,000 synthetic Zhanjiang names (gen_test.go, 9.6 runes on average,
// 4 % with a former name) on a 2-core machine: the index takes about 180 MB of heap
// (postings 93 MB, keys and offsets 28 MB, text 28 MB, positions 7 MB, IDs, columns
// and text offsets 19 MB) and builds in 2 to 3 seconds, with a peak of about 400 MB
// above the input. Searches for 2 to 4 runes take a few microseconds; one rune,
// longer fragments, filters and deep pages stay within a few milliseconds at the
// 99th percentile. Real names are longer and more varied than the synthetic ones:
// expect the postings, and so the memory, to grow in proportion to their length.
//
// # Limits
//
// A segment holds fewer than 2³¹ documents whose normalised names take less than
// 4 GiB. Only the 65,533 most frequent distinct runes get a code of their own; the rest
// share one, and fragments with such a rune are checked against the text.
package nameindex

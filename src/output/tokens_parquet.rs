//! Parquet files of the `tokens` table written straight from documents, without Arrow string
//! arrays for the six string columns and without parquet's per-value dictionary interning.
//!
//! The tokens table has one row per token and six dictionary-encoded string columns. Parquet's
//! Arrow writer hashes every value of every one of them into a per-column dictionary, which was
//! most of the writer thread's time. Here the dictionary indices are known without hashing or
//! with one hash per token instead of three:
//! - `doc_id` is the same on every row of a document: one dictionary entry per document;
//! - `kind` and `ner` come from a handful of static strings, each known by a small code;
//! - `text` and `segments` share one interner per row group, whose ids are their dictionary
//!   indices and whose arena is their (one, compressed once) dictionary page; the only segment
//!   of an unsplit token is its surface, so it reuses the surface's id;
//! - `norm` has an interner of its own, and a token whose norm is its surface finds the norm's
//!   id by the surface's id, without hashing again.
//!
//! Each of these columns is written as one column chunk of a PLAIN dictionary page and one
//! RLE_DICTIONARY data page (Parquet format v1), zstd-compressed, with no statistics (the
//! per-table properties ask for none on these columns). The integer columns are written as one
//! DELTA_BINARY_PACKED page each, with the chunk's min and max, as parquet's
//! [`ArrowWriter`](parquet::arrow::ArrowWriter) writes them with the table's properties. The
//! values read back are the same as those of [`TableBuilders`](super::TableBuilders)' `tokens`
//! batch; a test checks it row for row.

use super::schema::{SENTENCES, TOKENS, Table};
use super::tables::{to_i64, tokens_per_sentence};
use crate::document::{BioTag, Document, EntityLabel, TokenKind};
use bytes::Bytes;
use parquet::arrow::ArrowSchemaConverter;
use parquet::arrow::add_encoded_arrow_schema_to_metadata;
use parquet::basic::{Compression, Encoding};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::metadata::ColumnChunkMetaData;
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::SchemaDescriptor;
use std::fs::File;
use std::sync::Arc;

/// Column positions of the tokens table (and of its Parquet leaves: `segments` has one leaf).
const DOC_ID: usize = 0;
const INT_COLUMNS: [usize; 4] = [1, 2, 3, 4];
const TEXT: usize = 5;
const NORM: usize = 6;
const KIND: usize = 7;
const SEGMENTS: usize = 8;
const NER: usize = 9;

fn perr(e: impl std::fmt::Display) -> ParquetError {
    ParquetError::General(e.to_string())
}

// ---------------------------------------------------------------------------------------------
// The RLE / bit-packing hybrid encoding of Parquet (dictionary indices and levels).

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Bits needed for values up to `max`.
fn bit_width(max: u32) -> u8 {
    (32 - max.leading_zeros()) as u8
}

/// Appends `values` bit-packed in groups of eight (the last group padded with zeros), with the
/// bit-packed run's header. Each value must be below `2^width`, `width` at most 32.
fn put_bit_packed(out: &mut Vec<u8>, values: &[u32], width: u8) {
    let groups = values.len().div_ceil(8);
    put_varint(out, ((groups as u64) << 1) | 1);
    let width = u32::from(width);
    out.reserve(groups * width as usize);
    // Up to 31 pending bits plus a value of up to 32 bits fit the accumulator; four bytes go
    // out at a time. A group of eight values is `width` whole bytes, so nothing is left over
    // but whole bytes at the end.
    let mut acc: u64 = 0;
    let mut bits: u32 = 0;
    for &v in values
        .iter()
        .chain(std::iter::repeat_n(&0, groups * 8 - values.len()))
    {
        acc |= u64::from(v) << bits;
        bits += width;
        if bits >= 32 {
            out.extend_from_slice(&(acc as u32).to_le_bytes());
            acc >>= 32;
            bits -= 32;
        }
    }
    out.extend_from_slice(&acc.to_le_bytes()[..(bits / 8) as usize]);
}

fn put_rle_run(out: &mut Vec<u8>, value: u32, count: usize, width: u8) {
    put_varint(out, (count as u64) << 1);
    let bytes = usize::from(width).div_ceil(8);
    out.extend_from_slice(&value.to_le_bytes()[..bytes]);
}

/// Appends `values` (each below `2^width`) in the RLE / bit-packing hybrid encoding: runs of at
/// least 16 equal values as RLE runs, everything else bit-packed.
fn put_hybrid(out: &mut Vec<u8>, values: &[u32], width: u8) {
    let min_run = if width == 0 { 1 } else { 16 };
    let mut pending = 0; // start of the values not yet written
    let mut i = 0;
    while i < values.len() {
        // Sixteen values none equal to the next (most dictionary indices of text) start no
        // run: skip them at once, with a test the compiler can vectorise.
        if let Some(window) = values.get(i..i + 17)
            && min_run > 1
            && !window
                .iter()
                .zip(&window[1..])
                .fold(false, |any, (a, b)| any | (a == b))
        {
            i += 16;
            continue;
        }
        let v = values[i];
        let mut j = i + 1;
        while j < values.len() && values[j] == v {
            j += 1;
        }
        if j - i >= min_run {
            // Bit-packed runs hold whole groups of eight: lend the run enough values to fill
            // the last group.
            let lend = (8 - (i - pending) % 8) % 8;
            if i - pending + lend > 0 {
                put_bit_packed(out, &values[pending..i + lend], width);
            }
            put_rle_run(out, v, j - i - lend, width);
            pending = j;
        }
        i = j;
    }
    if pending < values.len() {
        put_bit_packed(out, &values[pending..], width);
    }
}

/// Values per block and per miniblock of [`put_delta_binary_packed`] (parquet-rs's choice).
const DELTA_BLOCK: usize = 128;
const DELTA_MINIBLOCK: usize = 32;

fn put_zigzag(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Appends a miniblock of 32 values bit-packed with `width` bits each (up to 64), LSB first:
/// `4 * width` bytes. Each value must be below `2^width`.
fn put_miniblock(out: &mut Vec<u8>, values: &[u64; DELTA_MINIBLOCK], width: u32) {
    if width == 0 {
        return;
    }
    if width <= 32 {
        // Up to 31 pending bits and a value of up to 32 bits; four bytes out at a time, and
        // 32 values of `width` bits are whole four-byte words.
        let mut acc: u64 = 0;
        let mut bits: u32 = 0;
        for &v in values {
            acc |= v << bits;
            bits += width;
            if bits >= 32 {
                out.extend_from_slice(&(acc as u32).to_le_bytes());
                acc >>= 32;
                bits -= 32;
            }
        }
    } else {
        // Up to 63 pending bits and a value of up to 64; eight bytes out at a time, and the
        // four bytes left when `width` is odd.
        let mut acc: u128 = 0;
        let mut bits: u32 = 0;
        for &v in values {
            acc |= u128::from(v) << bits;
            bits += width;
            if bits >= 64 {
                out.extend_from_slice(&(acc as u64).to_le_bytes());
                acc >>= 64;
                bits -= 64;
            }
        }
        out.extend_from_slice(&acc.to_le_bytes()[..(bits / 8) as usize]);
    }
}

/// Appends `values` in Parquet's DELTA_BINARY_PACKED encoding: a header (block size, miniblocks
/// per block, value count, first value), then per block of 128 deltas its smallest delta, the
/// bit width of each of its four miniblocks and the miniblocks' deltas above the smallest,
/// bit-packed. The last miniblock with values is padded to 32; miniblocks after it have width
/// 0 and no bytes.
fn put_delta_binary_packed(out: &mut Vec<u8>, values: &[i64]) {
    put_varint(out, DELTA_BLOCK as u64);
    put_varint(out, (DELTA_BLOCK / DELTA_MINIBLOCK) as u64);
    put_varint(out, values.len() as u64);
    put_zigzag(out, values.first().copied().unwrap_or(0));
    let mut deltas = [0i64; DELTA_BLOCK];
    let mut start = 1;
    while start < values.len() {
        let end = (start + DELTA_BLOCK).min(values.len());
        let block = &mut deltas[..end - start];
        let mut min = i64::MAX;
        for (d, pair) in block.iter_mut().zip(values[start - 1..end].windows(2)) {
            *d = pair[1].wrapping_sub(pair[0]);
            min = min.min(*d);
        }
        put_zigzag(out, min);
        let widths_at = out.len();
        out.extend_from_slice(&[0u8; DELTA_BLOCK / DELTA_MINIBLOCK]);
        for (m, mini) in block.chunks(DELTA_MINIBLOCK).enumerate() {
            let mut packed = [0u64; DELTA_MINIBLOCK];
            let mut bits_used = 0u64;
            for (p, &d) in packed.iter_mut().zip(mini) {
                *p = (d as u64).wrapping_sub(min as u64);
                bits_used |= *p;
            }
            let width = 64 - bits_used.leading_zeros();
            out[widths_at + m] = width as u8;
            put_miniblock(out, &packed, width);
        }
        start = end;
    }
}

// ---------------------------------------------------------------------------------------------
// Dictionaries.

/// A slot of [`StrInterner`]'s table: the string's first sixteen bytes as two words
/// (zero-padded), its length and its id + 1 (0: empty). Strings of up to sixteen bytes, most
/// tokens (an Arabic word of eight letters is sixteen bytes), are compared in the slot alone,
/// without touching the arena.
#[derive(Clone, Copy, Default)]
struct Slot {
    prefix: u64,
    second: u64,
    len: u32,
    id_plus_one: u32,
}

/// The second eight bytes of `s` (zero-padded), 0 when it has at most eight.
fn second_word(s: &[u8]) -> u64 {
    s.get(8..)
        .map_or(0, |rest| prefix_word(&rest[..rest.len().min(8)]))
}

/// Interns strings of one row group: an open-addressing table over an arena of bytes.
///
/// The arena is the dictionary page itself: each new string is appended as a PLAIN
/// `BYTE_ARRAY` value (its length as four little-endian bytes, then its bytes), so a string's
/// id is its index in that page.
///
/// Probing reads one control byte per slot (empty, or seven bits of the hash), a table small
/// enough to stay in cache, and a slot only when its control byte matches: a string seen for
/// the first time, a quarter of a row group's tokens, costs no read of the large slot table.
#[derive(Default)]
struct StrInterner {
    /// The PLAIN dictionary page of the strings interned so far, in id order.
    page: Vec<u8>,
    /// `(start, end)` in `page` of each id's bytes (after its length).
    spans: Vec<(u32, u32)>,
    /// 0 for an empty slot, else `0x80` | the hash's seven top bits.
    control: Vec<u8>,
    /// Same length as `control`, a power of two; at most half full.
    slots: Vec<Slot>,
}

/// The control byte of a hash.
fn control_of(hash: u64) -> u8 {
    0x80 | (hash >> 57) as u8
}

fn prefix_word(s: &[u8]) -> u64 {
    match s.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => {
            let mut w = 0u64;
            for (k, &b) in s.iter().enumerate() {
                w |= u64::from(b) << (8 * k);
            }
            w
        }
    }
}

/// A string's first-eight-bytes word and hash, computed ahead of [`StrInterner::intern_hashed`].
#[derive(Clone, Copy)]
struct Hashed {
    prefix: u64,
    hash: u64,
}

impl Hashed {
    fn of(s: &str) -> Self {
        let prefix = prefix_word(s.as_bytes());
        Hashed {
            prefix,
            hash: hash_bytes(s.as_bytes(), prefix),
        }
    }

    /// The [`Hashed`] of `text[start..end]`, or of `""` when that is not a valid span of
    /// `text` (as [`Document::slice`] reads it). A string shorter than eight bytes with eight
    /// bytes of `text` from its start, most tokens, has its prefix word read in one load and
    /// masked, instead of byte by byte.
    fn of_span(text: &str, start: usize, end: usize) -> Self {
        let s = text.get(start..end).unwrap_or("").as_bytes();
        let word = match text
            .as_bytes()
            .get(start..)
            .and_then(<[u8]>::first_chunk::<8>)
        {
            Some(first) if s.len() < 8 => u64::from_le_bytes(*first) & low_bytes_mask(s.len()),
            _ => prefix_word(s),
        };
        Hashed {
            prefix: word,
            hash: hash_bytes(s, word),
        }
    }
}

/// A mask of the low `n` bytes of a word (`n` below 8).
fn low_bytes_mask(n: usize) -> u64 {
    (1u64 << (8 * n)) - 1
}

/// Asks the CPU to bring the cache line at `p` in (a hint: no effect on results).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: prefetching never faults and never reads into the program: any address is
        // sound.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// A multiplicative hash of a string whose first eight bytes are `prefix`.
fn hash_bytes(s: &[u8], prefix: u64) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (prefix ^ (s.len() as u64).rotate_left(59)).wrapping_mul(K);
    if s.len() > 8 {
        for c in s[8..].chunks(8) {
            h = (h.rotate_left(23) ^ prefix_word(c)).wrapping_mul(K);
        }
    }
    // The product's low bits depend only on its factors' low bits: fold the high half in.
    h ^ (h >> 32)
}

impl StrInterner {
    fn clear(&mut self) {
        self.page.clear();
        self.spans.clear();
        self.control.fill(0);
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    fn get(&self, id: u32) -> &[u8] {
        let (a, b) = self.spans[id as usize];
        &self.page[a as usize..b as usize]
    }

    /// The slot a hash starts probing at: its low bits (the control byte has the top ones).
    fn slot_of(size: usize, hash: u64) -> usize {
        (hash as usize) & (size - 1)
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1 << 12);
        let mut control = vec![0u8; size];
        let mut slots = vec![Slot::default(); size];
        for id in 0..self.spans.len() {
            let s = self.get(id as u32);
            let prefix = prefix_word(s);
            let hash = hash_bytes(s, prefix);
            let mut at = StrInterner::slot_of(size, hash);
            while control[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            control[at] = control_of(hash);
            slots[at] = Slot {
                prefix,
                second: second_word(s),
                len: s.len() as u32,
                id_plus_one: id as u32 + 1,
            };
        }
        self.control = control;
        self.slots = slots;
    }

    fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(s, Hashed::of(s))
    }

    /// Brings the table lines a string of this hash will probe first into the cache.
    fn prefetch(&self, h: Hashed) {
        if !self.slots.is_empty() {
            let at = StrInterner::slot_of(self.slots.len(), h.hash);
            prefetch(&self.control[at]);
            prefetch(&self.slots[at]);
        }
    }

    /// [`intern`](Self::intern) with the string's [`Hashed`] computed beforehand.
    fn intern_hashed(&mut self, s: &str, h: Hashed) -> u32 {
        if (self.spans.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let s = s.as_bytes();
        let Hashed { prefix, hash } = h;
        let len = s.len() as u32;
        let mask = self.slots.len() - 1;
        let tag = control_of(hash);
        let mut at = StrInterner::slot_of(self.slots.len(), hash);
        loop {
            let control = self.control[at];
            if control == 0 {
                let id = self.spans.len() as u32;
                self.page.extend_from_slice(&len.to_le_bytes());
                let start = self.page.len() as u32;
                self.page.extend_from_slice(s);
                self.spans.push((start, self.page.len() as u32));
                self.control[at] = tag;
                self.slots[at] = Slot {
                    prefix,
                    second: second_word(s),
                    len,
                    id_plus_one: id + 1,
                };
                return id;
            }
            if control == tag {
                let slot = self.slots[at];
                if slot.prefix == prefix
                    && slot.len == len
                    && (len <= 8
                        || (slot.second == second_word(s)
                            && (len <= 16 || self.get(slot.id_plus_one - 1) == s)))
                {
                    return slot.id_plus_one - 1;
                }
            }
            at = (at + 1) & mask;
        }
    }
}

/// One dictionary-encoded column of a row group: its dictionary page (PLAIN values in order of
/// first use) and the index of every value.
#[derive(Default)]
struct DictColumn {
    page: Vec<u8>,
    entries: u32,
    indices: Vec<u32>,
}

impl DictColumn {
    fn clear(&mut self) {
        self.page.clear();
        self.entries = 0;
        self.indices.clear();
    }

    /// Adds a dictionary entry and returns its index.
    fn add_entry(&mut self, value: &[u8]) -> u32 {
        self.page
            .extend_from_slice(&(value.len() as u32).to_le_bytes());
        self.page.extend_from_slice(value);
        self.entries += 1;
        self.entries - 1
    }
}

/// The `doc_id` column of a row group: the same value on every row of a document, so one
/// dictionary entry per document (two if its rows are split by another document's).
#[derive(Default)]
pub(super) struct DocIdColumn {
    column: DictColumn,
    /// The document whose id is the last entry.
    last: Option<String>,
}

impl DocIdColumn {
    fn clear(&mut self) {
        self.column.clear();
        self.last = None;
    }

    /// Appends `n` rows of document `d`.
    fn push_rows(&mut self, d: &Document, n: usize) {
        if self.last.as_deref() != Some(d.doc_id.as_str()) {
            self.column.add_entry(d.doc_id.as_bytes());
            self.last = Some(d.doc_id.clone());
        }
        let entry = self.column.entries - 1;
        self.column.indices.extend(std::iter::repeat_n(entry, n));
    }

    /// The column chunk.
    fn chunk(
        &self,
        rows: usize,
        descr: parquet::schema::types::ColumnDescPtr,
        compressor: &mut PageCompressor,
        compression: Compression,
    ) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
        let column = &self.column;
        let page = DictPage::compress(&column.page, column.entries, compressor)?;
        dictionary_chunk(
            &page,
            &column.indices,
            None,
            rows,
            descr,
            compressor,
            compression,
        )
    }
}

/// A column of a few static strings (`kind`, `ner`), each known by a small code: its entry is
/// looked up in an array by that code.
struct CodedDictColumn<const N: usize> {
    column: DictColumn,
    /// The dictionary entry of each code, `u32::MAX` while unused in this row group.
    entry_of: [u32; N],
}

impl<const N: usize> Default for CodedDictColumn<N> {
    fn default() -> Self {
        CodedDictColumn {
            column: DictColumn::default(),
            entry_of: [u32::MAX; N],
        }
    }
}

impl<const N: usize> CodedDictColumn<N> {
    fn clear(&mut self) {
        self.column.clear();
        self.entry_of = [u32::MAX; N];
    }

    /// Appends the value `value`, whose code is `code` (the same code for the same value).
    fn push(&mut self, code: usize, value: &'static str) {
        let mut entry = self.entry_of[code];
        if entry == u32::MAX {
            entry = self.column.add_entry(value.as_bytes());
            self.entry_of[code] = entry;
        }
        self.column.indices.push(entry);
    }
}

/// The code of a token kind for [`CodedDictColumn`]: one per variant.
fn kind_code(kind: TokenKind) -> usize {
    match kind {
        TokenKind::Word => 0,
        TokenKind::Number => 1,
        TokenKind::Punct => 2,
        TokenKind::Symbol => 3,
        TokenKind::Url => 4,
        TokenKind::Email => 5,
        TokenKind::Mention => 6,
        TokenKind::Hashtag => 7,
        TokenKind::Emoji => 8,
    }
}

const KIND_CODES: usize = 9;

/// The code of a BIO tag for [`CodedDictColumn`]: `O`, then `B-` and `I-` of each label.
fn bio_code(tag: BioTag) -> usize {
    let label = |l: EntityLabel| match l {
        EntityLabel::Per => 0,
        EntityLabel::Loc => 1,
        EntityLabel::Org => 2,
        EntityLabel::Misc => 3,
    };
    match tag {
        BioTag::O => 0,
        BioTag::B(l) => 1 + label(l),
        BioTag::I(l) => 5 + label(l),
    }
}

const BIO_CODES: usize = 9;

// ---------------------------------------------------------------------------------------------
// A row group being filled.

/// A row group's `text`, `norm` and `segments` columns. `text` and `segments` share one
/// dictionary, the page of the surfaces' [`StrInterner`]: a value's index is its interned id
/// in both columns, so the only segment of an unsplit token (most tokens) costs no lookup and
/// no per-column remapping is needed. `norm` has its own interner; a token whose norm is its
/// surface finds its norm's id in `norm_of_surface` by the surface's id, so that interner is
/// probed once per distinct surface rather than once per token; a token with a norm of its
/// own finds it in `folded_norm_of_surface` the same way, checked by comparing the strings.
/// The `text` column's dictionary may hold entries it never uses (the pieces of split tokens)
/// and the `segments` column's (the surfaces of split tokens); Parquet allows it, and readers
/// see only the values.
#[derive(Default)]
struct SharedStrings {
    interner: StrInterner,
    norms: StrInterner,
    /// For each id of `interner` used as a surface whose norm is itself, its id in `norms`
    /// (`u32::MAX` until known).
    norm_of_surface: Vec<u32>,
    /// For each id of `interner` used as a surface whose norm differs from it, the id in
    /// `norms` of the norm it last had (`u32::MAX` until known). A hit is checked against the
    /// token's norm, so a surface normalised two ways in one row group stays correct.
    folded_norm_of_surface: Vec<u32>,
    text: Vec<u32>,
    norm: Vec<u32>,
    segments: Vec<u32>,
    /// Repetition level of each segment: 0 for a token's first, 1 for the others.
    segment_rep: Vec<u32>,
}

/// The entry of `ids` for the interned id `id`, growing `ids` (with `u32::MAX`, unknown) so
/// that it has one.
fn id_slot(ids: &mut Vec<u32>, id: u32) -> &mut u32 {
    let at = id as usize;
    if at >= ids.len() {
        let len = (at + 1).max(ids.len() * 2);
        ids.resize(len, u32::MAX);
    }
    &mut ids[at]
}

/// A row group of the `tokens` table being filled.
#[derive(Default)]
pub(super) struct TokenRowGroup {
    rows: usize,
    doc_id: DocIdColumn,
    ints: [Vec<i64>; 4],
    strings: SharedStrings,
    kind: CodedDictColumn<KIND_CODES>,
    ner: CodedDictColumn<BIO_CODES>,
    /// Scratch: the hashes of the surfaces of the tokens being appended.
    surface_hashes: Vec<Hashed>,
}

/// How many tokens ahead of its probe a surface's table lines are prefetched.
const PREFETCH_AHEAD: usize = 8;

/// Bytes of distinct strings (surfaces, norms, segments and document ids) a row group may hold
/// before it is closed early, whatever its row count. Ordinary text stays far below this (WCXB
/// dev's row groups of 131,072 tokens hold well under 1 MB); it bounds the memory of a row group of
/// very long unbroken tokens, and keeps the string table's 32-bit spans and Parquet's 32-bit
/// page sizes far from overflowing (one document adds at most a few times its text).
const ROW_GROUP_STRING_BYTES: usize = 8 << 20;

impl RowGroupColumns for TokenRowGroup {
    const TABLE: Table = TOKENS;

    fn rows(&self) -> usize {
        self.rows
    }

    fn clear(&mut self) {
        self.rows = 0;
        self.doc_id.clear();
        self.ints.iter_mut().for_each(Vec::clear);
        let strings = &mut self.strings;
        strings.interner.clear();
        strings.norms.clear();
        strings.norm_of_surface.clear();
        strings.folded_norm_of_surface.clear();
        strings.text.clear();
        strings.norm.clear();
        strings.segments.clear();
        strings.segment_rep.clear();
        self.kind.clear();
        self.ner.clear();
    }

    fn string_bytes(&self) -> usize {
        let strings = &self.strings;
        strings.interner.page.len() + strings.norms.page.len() + self.doc_id.column.page.len()
    }

    fn append(&mut self, d: &Document, range: std::ops::Range<usize>) {
        let n = range.len();
        self.doc_id.push_rows(d, n);
        let tokens = &d.tokens[range.clone()];
        // The surfaces' hashes first, so that each token's table lines can be asked for a few
        // tokens before they are probed: the table does not stay in cache beside the stages.
        self.surface_hashes.clear();
        self.surface_hashes.extend(
            tokens
                .iter()
                .map(|t| Hashed::of_span(&d.text, t.byte_start, t.byte_end)),
        );
        for ints in &mut self.ints {
            ints.reserve(n);
        }
        let strings = &mut self.strings;
        strings.text.reserve(n);
        strings.norm.reserve(n);
        strings.segments.reserve(n);
        strings.segment_rep.reserve(n);
        for (k, (i, t)) in range.zip(tokens).enumerate() {
            if let Some(&ahead) = self.surface_hashes.get(k + PREFETCH_AHEAD) {
                strings.interner.prefetch(ahead);
            }
            let surface = d.token_surface(t);
            self.ints[0].push(i64::from(t.sent_idx));
            self.ints[1].push(to_i64(i));
            self.ints[2].push(to_i64(t.start));
            self.ints[3].push(to_i64(t.end));
            let interner = &mut strings.interner;
            let surface_id = interner.intern_hashed(surface, self.surface_hashes[k]);
            strings.text.push(surface_id);
            strings.norm.push(match t.norm {
                Some(span) => {
                    let norm = d.token_norms.get(span.range()).unwrap_or("");
                    let cached = id_slot(&mut strings.folded_norm_of_surface, surface_id);
                    if *cached == u32::MAX || strings.norms.get(*cached) != norm.as_bytes() {
                        *cached = strings.norms.intern(norm);
                    }
                    *cached
                }
                None => {
                    let cached = id_slot(&mut strings.norm_of_surface, surface_id);
                    if *cached == u32::MAX {
                        *cached = strings.norms.intern_hashed(surface, self.surface_hashes[k]);
                    }
                    *cached
                }
            });
            self.kind.push(kind_code(t.kind), t.kind.as_str());
            if !t.segments.is_split() {
                strings.segments.push(surface_id);
                strings.segment_rep.push(0);
            } else {
                for (k, s) in t.segments_in(surface).enumerate() {
                    strings.segments.push(interner.intern(s));
                    strings.segment_rep.push(u32::from(k > 0));
                }
            }
            self.ner.push(bio_code(t.ner), t.ner.as_str());
        }
        self.rows += n;
    }

    fn chunks(
        &self,
        descr: &SchemaDescriptor,
        compressor: &mut PageCompressor,
        compression: Compression,
    ) -> Result<Vec<(Bytes, ColumnCloseResult)>, ParquetError> {
        let rows = self.rows;
        let strings = &self.strings;
        let own_page = |column: &DictColumn, compressor: &mut PageCompressor| {
            DictPage::compress(&column.page, column.entries, compressor)
        };
        let shared = DictPage::compress(
            &strings.interner.page,
            strings.interner.len() as u32,
            compressor,
        )?;
        let mut chunks = Vec::with_capacity(descr.num_columns());
        for leaf in 0..descr.num_columns() {
            let dict = match leaf {
                DOC_ID => {
                    chunks.push(self.doc_id.chunk(
                        rows,
                        descr.column(leaf),
                        compressor,
                        compression,
                    )?);
                    continue;
                }
                TEXT => (shared.clone(), &strings.text, None),
                NORM => (
                    DictPage::compress(
                        &strings.norms.page,
                        strings.norms.len() as u32,
                        compressor,
                    )?,
                    &strings.norm,
                    None,
                ),
                KIND => (
                    own_page(&self.kind.column, compressor)?,
                    &self.kind.column.indices,
                    None,
                ),
                SEGMENTS => (
                    shared.clone(),
                    &strings.segments,
                    Some(strings.segment_rep.as_slice()),
                ),
                NER => (
                    own_page(&self.ner.column, compressor)?,
                    &self.ner.column.indices,
                    None,
                ),
                _ => {
                    let k = INT_COLUMNS
                        .iter()
                        .position(|&c| c == leaf)
                        .ok_or_else(|| perr(format!("tokens: unexpected leaf {leaf}")))?;
                    chunks.push(delta_chunk(
                        &self.ints[k],
                        descr.column(leaf),
                        compressor,
                        compression,
                    )?);
                    continue;
                }
            };
            let (page, indices, rep) = dict;
            chunks.push(dictionary_chunk(
                &page,
                indices,
                rep,
                rows,
                descr.column(leaf),
                compressor,
                compression,
            )?);
        }
        Ok(chunks)
    }
}

/// A row group of the `sentences` table being filled: `doc_id` and four integer columns
/// (`sent_idx`, `start`, `end`, `n_tokens`), encoded as the tokens table's are.
#[derive(Default)]
pub(super) struct SentenceRowGroup {
    rows: usize,
    doc_id: DocIdColumn,
    ints: [Vec<i64>; 4],
    /// Scratch: tokens per sentence of the document being appended.
    counts: Vec<usize>,
}

/// An open Parquet file of the `sentences` table.
pub(super) type SentencesFile = EncodedFile<SentenceRowGroup>;

impl RowGroupColumns for SentenceRowGroup {
    const TABLE: Table = SENTENCES;

    fn rows(&self) -> usize {
        self.rows
    }

    fn string_bytes(&self) -> usize {
        self.doc_id.column.page.len()
    }

    fn append(&mut self, d: &Document, range: std::ops::Range<usize>) {
        self.doc_id.push_rows(d, range.len());
        let counts = &mut self.counts;
        tokens_per_sentence(d, counts);
        for ints in &mut self.ints {
            ints.reserve(range.len());
        }
        for (i, sentence) in range.clone().zip(&d.sentences[range.clone()]) {
            self.ints[0].push(to_i64(i));
            self.ints[1].push(to_i64(sentence.start));
            self.ints[2].push(to_i64(sentence.end));
            self.ints[3].push(to_i64(counts[i]));
        }
        self.rows += range.len();
    }

    fn chunks(
        &self,
        descr: &SchemaDescriptor,
        compressor: &mut PageCompressor,
        compression: Compression,
    ) -> Result<Vec<(Bytes, ColumnCloseResult)>, ParquetError> {
        if descr.num_columns() != 1 + self.ints.len() {
            return Err(perr("sentences: unexpected schema"));
        }
        let mut chunks =
            vec![
                self.doc_id
                    .chunk(self.rows, descr.column(0), compressor, compression)?,
            ];
        for (k, ints) in self.ints.iter().enumerate() {
            chunks.push(delta_chunk(
                ints,
                descr.column(1 + k),
                compressor,
                compression,
            )?);
        }
        Ok(chunks)
    }

    fn clear(&mut self) {
        self.rows = 0;
        self.doc_id.clear();
        self.ints.iter_mut().for_each(Vec::clear);
    }
}

// ---------------------------------------------------------------------------------------------
// Column chunks.

/// A dictionary page, compressed, with its size before compression and its number of values.
/// One page may serve several column chunks (the shared dictionary of `text`, `norm` and
/// `segments`): it is compressed once and its bytes shared.
#[derive(Clone)]
struct DictPage {
    compressed: Bytes,
    raw_len: usize,
    entries: u32,
}

impl DictPage {
    fn compress(
        raw: &[u8],
        entries: u32,
        compressor: &mut PageCompressor,
    ) -> Result<Self, ParquetError> {
        Ok(DictPage {
            compressed: Bytes::from(compressor.compress(raw).map_err(perr)?),
            raw_len: raw.len(),
            entries,
        })
    }
}

/// Bytes reserved for page headers in a column chunk's buffer (a header is a few dozen bytes).
const PAGE_HEADERS_ROOM: usize = 256;

/// zstd at the file's level, and a scratch buffer for the page being encoded (kept from chunk
/// to chunk, so that encoding a page does not start from a fresh allocation each time).
pub(super) struct PageCompressor {
    zstd: zstd::bulk::Compressor<'static>,
    scratch: Vec<u8>,
}

impl PageCompressor {
    fn new(level: i32) -> Result<Self, ParquetError> {
        Ok(PageCompressor {
            zstd: zstd::bulk::Compressor::new(level).map_err(perr)?,
            scratch: Vec::new(),
        })
    }

    /// Compresses `data` as one zstd frame.
    fn compress(&mut self, data: &[u8]) -> std::io::Result<Vec<u8>> {
        self.zstd.compress(data)
    }

    /// The scratch buffer, emptied; give it back with [`put_scratch`](Self::put_scratch).
    fn take_scratch(&mut self) -> Vec<u8> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch
    }

    fn put_scratch(&mut self, scratch: Vec<u8>) {
        self.scratch = scratch;
    }
}

/// Encodes one dictionary column as a column chunk: dictionary page `dict`, one data page of
/// `indices` (into `dict`), with `repetition` levels for the list column.
fn dictionary_chunk(
    dict: &DictPage,
    indices: &[u32],
    repetition: Option<&[u32]>,
    rows: usize,
    descr: parquet::schema::types::ColumnDescPtr,
    compressor: &mut PageCompressor,
    compression: Compression,
) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
    let mut body = compressor.take_scratch();
    if let Some(rep) = repetition {
        // Levels of a required list of required items: repetition 0/1, definition 1.
        let mut levels = Vec::new();
        put_hybrid(&mut levels, rep, 1);
        body.extend_from_slice(&(levels.len() as u32).to_le_bytes());
        body.extend_from_slice(&levels);
        levels.clear();
        put_rle_run(&mut levels, 1, rep.len(), 1);
        body.extend_from_slice(&(levels.len() as u32).to_le_bytes());
        body.extend_from_slice(&levels);
    }
    let width = bit_width(dict.entries.saturating_sub(1));
    body.push(width);
    put_hybrid(&mut body, indices, width);
    let data = compressor.compress(&body).map_err(perr)?;
    let body_len = body.len();
    compressor.put_scratch(body);
    let mut sink = TrackedWrite::new(Vec::with_capacity(
        dict.compressed.len() + data.len() + PAGE_HEADERS_ROOM,
    ));
    let mut specs = Vec::with_capacity(2);
    {
        let mut pages = SerializedPageWriter::new(&mut sink);
        specs.push(pages.write_page(CompressedPage::new(
            Page::DictionaryPage {
                buf: dict.compressed.clone(),
                num_values: dict.entries,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            },
            dict.raw_len,
        ))?);
        specs.push(pages.write_page(CompressedPage::new(
            Page::DataPage {
                buf: Bytes::from(data),
                num_values: indices.len() as u32,
                encoding: Encoding::RLE_DICTIONARY,
                def_level_encoding: Encoding::RLE,
                rep_level_encoding: Encoding::RLE,
                statistics: None,
            },
            body_len,
        ))?);
        pages.close()?;
    }
    let metadata = ColumnChunkMetaData::builder(descr)
        .set_encodings(vec![
            Encoding::PLAIN,
            Encoding::RLE,
            Encoding::RLE_DICTIONARY,
        ])
        .set_dictionary_page_offset(Some(specs[0].offset as i64))
        .set_data_page_offset(specs[1].offset as i64);
    finish_chunk(sink, &specs, metadata, compression, rows, indices.len())
}

/// Encodes one integer column (no nulls) as a column chunk of one DELTA_BINARY_PACKED data
/// page, with the chunk's min and max as statistics (as parquet's writer gives them).
fn delta_chunk(
    values: &[i64],
    descr: parquet::schema::types::ColumnDescPtr,
    compressor: &mut PageCompressor,
    compression: Compression,
) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
    let mut body = compressor.take_scratch();
    put_delta_binary_packed(&mut body, values);
    let data = compressor.compress(&body).map_err(perr)?;
    let body_len = body.len();
    compressor.put_scratch(body);
    let mut sink = TrackedWrite::new(Vec::with_capacity(data.len() + PAGE_HEADERS_ROOM));
    let spec = {
        let mut pages = SerializedPageWriter::new(&mut sink);
        let spec = pages.write_page(CompressedPage::new(
            Page::DataPage {
                buf: Bytes::from(data),
                num_values: values.len() as u32,
                encoding: Encoding::DELTA_BINARY_PACKED,
                def_level_encoding: Encoding::RLE,
                rep_level_encoding: Encoding::RLE,
                statistics: None,
            },
            body_len,
        ))?;
        pages.close()?;
        spec
    };
    let (min, max) = min_max(values).unzip();
    let statistics = ValueStatistics::new(min, max, None, Some(0), false)
        .with_backwards_compatible_min_max(true);
    let metadata = ColumnChunkMetaData::builder(descr)
        .set_encodings(vec![Encoding::RLE, Encoding::DELTA_BINARY_PACKED])
        .set_data_page_offset(spec.offset as i64)
        .set_statistics(Statistics::Int64(statistics));
    finish_chunk(
        sink,
        &[spec],
        metadata,
        compression,
        values.len(),
        values.len(),
    )
}

/// The smallest and largest of `values`, in one pass the compiler can vectorise (`Iterator::min`
/// over references compiles to a chain of dependent selects).
fn min_max(values: &[i64]) -> Option<(i64, i64)> {
    if values.is_empty() {
        return None;
    }
    let mut lo = [i64::MAX; 8];
    let mut hi = [i64::MIN; 8];
    let mut chunks = values.chunks_exact(8);
    for chunk in &mut chunks {
        for k in 0..8 {
            lo[k] = lo[k].min(chunk[k]);
            hi[k] = hi[k].max(chunk[k]);
        }
    }
    for &v in chunks.remainder() {
        lo[0] = lo[0].min(v);
        hi[0] = hi[0].max(v);
    }
    Some((
        lo.into_iter().fold(i64::MAX, i64::min),
        hi.into_iter().fold(i64::MIN, i64::max),
    ))
}

/// The bytes and close result of a column chunk whose pages `specs` were written to `sink`.
fn finish_chunk(
    sink: TrackedWrite<Vec<u8>>,
    specs: &[parquet::column::page::PageWriteSpec],
    metadata: parquet::file::metadata::ColumnChunkMetaDataBuilder,
    compression: Compression,
    rows: usize,
    num_values: usize,
) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
    let compressed: usize = specs.iter().map(|s| s.compressed_size).sum();
    let uncompressed: usize = specs.iter().map(|s| s.uncompressed_size).sum();
    let metadata = metadata
        .set_compression(compression)
        .set_total_compressed_size(compressed as i64)
        .set_total_uncompressed_size(uncompressed as i64)
        .set_num_values(num_values as i64)
        .build()?;
    let bytes = Bytes::from(sink.into_inner().map_err(perr)?);
    let close = ColumnCloseResult {
        bytes_written: bytes.len() as u64,
        rows_written: rows as u64,
        metadata,
        bloom_filter: None,
        column_index: None,
        offset_index: None,
    };
    Ok((bytes, close))
}

// ---------------------------------------------------------------------------------------------
// The file.

/// The columns of one row group of a table that this module encodes, filled from documents.
pub(super) trait RowGroupColumns: Default {
    /// The table's contract.
    const TABLE: Table;

    /// Rows held.
    fn rows(&self) -> usize;

    /// Bytes of distinct strings held (see [`ROW_GROUP_STRING_BYTES`]).
    fn string_bytes(&self) -> usize;

    /// Appends rows `range` of `d` (the same rows as `TableBuilders` builds for `d`).
    fn append(&mut self, d: &Document, range: std::ops::Range<usize>);

    /// Encodes the column chunk of every leaf, in schema order.
    fn chunks(
        &self,
        descr: &SchemaDescriptor,
        compressor: &mut PageCompressor,
        compression: Compression,
    ) -> Result<Vec<(Bytes, ColumnCloseResult)>, ParquetError>;

    /// Empties the row group, keeping its memory.
    fn clear(&mut self);
}

/// An open Parquet file of the table of `G`.
pub(super) struct EncodedFile<G> {
    writer: SerializedFileWriter<File>,
    parquet_schema: Arc<SchemaDescriptor>,
    compression: Compression,
    compressor: PageCompressor,
    group: G,
    row_group_rows: usize,
}

/// An open Parquet file of the `tokens` table.
pub(super) type TokensFile = EncodedFile<TokenRowGroup>;

impl<G: RowGroupColumns> EncodedFile<G> {
    /// Starts a file with the table's Parquet properties, filling `group` (empty; the last
    /// file's, to reuse its buffers, or a new one).
    pub(super) fn try_new(
        file: File,
        props: WriterProperties,
        row_group_rows: usize,
        group: G,
    ) -> Result<Self, ParquetError> {
        let schema = G::TABLE.arrow_schema();
        let mut props = props;
        let parquet_schema = ArrowSchemaConverter::new()
            .with_coerce_types(props.coerce_types())
            .convert(&schema)?;
        add_encoded_arrow_schema_to_metadata(&schema, &mut props);
        let compression = props.compression(&parquet_schema.column(0).path().clone());
        let level = match compression {
            Compression::ZSTD(level) => level.compression_level(),
            other => {
                return Err(perr(format!(
                    "the {} writer compresses with zstd only, not {other}",
                    G::TABLE.name
                )));
            }
        };
        let compressor = PageCompressor::new(level)?;
        let writer =
            SerializedFileWriter::new(file, parquet_schema.root_schema_ptr(), Arc::new(props))?;
        let parquet_schema = Arc::new(parquet_schema);
        Ok(EncodedFile {
            writer,
            parquet_schema,
            compression,
            compressor,
            group,
            row_group_rows: row_group_rows.max(1),
        })
    }

    /// Rows the current row group can still take.
    fn room_in_row_group(&self) -> usize {
        self.row_group_rows - self.group.rows()
    }

    /// Appends rows `range` of `d`, closing the row group when it is full (its row count, or
    /// [`ROW_GROUP_STRING_BYTES`] of strings). The range must fit in
    /// [`room_in_row_group`](Self::room_in_row_group).
    pub(super) fn append(
        &mut self,
        d: &Document,
        range: std::ops::Range<usize>,
    ) -> Result<(), ParquetError> {
        self.group.append(d, range);
        if self.group.rows() >= self.row_group_rows
            || self.group.string_bytes() >= ROW_GROUP_STRING_BYTES
        {
            self.flush_row_group()?;
        }
        Ok(())
    }

    /// Appends as many rows from the start of `range` as the current row group has room for,
    /// and returns how many that was.
    pub(super) fn append_up_to_room(
        &mut self,
        d: &Document,
        range: std::ops::Range<usize>,
    ) -> Result<usize, ParquetError> {
        let take = range.len().min(self.room_in_row_group());
        self.append(d, range.start..range.start + take)?;
        Ok(take)
    }

    fn flush_row_group(&mut self) -> Result<(), ParquetError> {
        if self.group.rows() == 0 {
            return Ok(());
        }
        let chunks =
            self.group
                .chunks(&self.parquet_schema, &mut self.compressor, self.compression)?;
        let mut rg = self.writer.next_row_group()?;
        for (bytes, close) in chunks {
            rg.append_column(&bytes, close)?;
        }
        rg.close()?;
        self.group.clear();
        Ok(())
    }

    /// Writes the last row group and the footer; returns the (empty) row group, whose buffers
    /// the table's next file can reuse.
    pub(super) fn close(mut self) -> Result<G, ParquetError> {
        self.flush_row_group()?;
        self.writer.close()?;
        Ok(self.group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{OutputWriter, TableBuilders, TableId, WriterOptions};
    use crate::pipeline::Pipeline;
    use crate::runner::process_path;
    use arrow::array::RecordBatch;
    use arrow::compute::concat_batches;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::path::{Path, PathBuf};

    fn documents(input: &Path, limit: usize) -> Vec<Document> {
        let pipeline = Pipeline::default_pipeline().expect("default pipeline");
        process_path(input, limit, &pipeline).expect("input resolves")
    }

    /// A table as `TableBuilders` builds it (the batch API's rows).
    fn built(docs: &[Document], table: TableId) -> RecordBatch {
        let mut builders = TableBuilders::new();
        for d in docs {
            builders.append_document(d);
        }
        builders.take_batch(table).expect("batch")
    }

    /// Writes `docs` with the file writer and reads the files of `table` back, in file order;
    /// also returns how many files and row groups there were.
    fn written(
        docs: &[Document],
        options: WriterOptions,
        table: TableId,
    ) -> (RecordBatch, usize, usize) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut writer = OutputWriter::create(dir.path(), options).expect("writer");
        for d in docs {
            writer.push_document(d).expect("document written");
        }
        writer.finish().expect("files finished");
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path().join(table.name()))
            .expect("table folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let schema = table.table().arrow_schema();
        let mut batches = Vec::new();
        let mut row_groups = 0;
        for f in &files {
            let file = File::open(f).expect("file opens");
            let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("parquet file");
            row_groups += builder.metadata().num_row_groups();
            assert_eq!(
                builder.schema().as_ref(),
                schema.as_ref(),
                "{}",
                f.display()
            );
            for b in builder.build().expect("reader") {
                batches.push(b.expect("batch reads"));
            }
        }
        let all = concat_batches(&schema, &batches).expect("batches concatenate");
        (all, files.len(), row_groups)
    }

    fn written_tokens(docs: &[Document], options: WriterOptions) -> (RecordBatch, usize, usize) {
        written(docs, options, TableId::Tokens)
    }

    /// Checks that the tokens and the sentences files hold the builders' rows; returns the
    /// tokens table's number of files and row groups.
    fn assert_same_rows(docs: &[Document], options: WriterOptions) -> (usize, usize) {
        let mut tokens_files = (0, 0);
        for table in [TableId::Tokens, TableId::Sentences] {
            let expected = built(docs, table);
            let (got, files, row_groups) = written(docs, options, table);
            assert_eq!(got.num_rows(), expected.num_rows(), "{}", table.name());
            for (i, field) in table.table().arrow_schema().fields().iter().enumerate() {
                assert_eq!(
                    got.column(i).as_ref(),
                    expected.column(i).as_ref(),
                    "{} column {}",
                    table.name(),
                    field.name()
                );
            }
            if table == TableId::Tokens {
                tokens_files = (files, row_groups);
            }
        }
        tokens_files
    }

    /// Sentences split over row groups and files by small limits keep their rows.
    #[test]
    fn sentences_files_split_like_batches() {
        let docs = documents(&samples(), usize::MAX);
        let sentences: usize = docs.iter().map(|d| d.sentences.len()).sum();
        assert!(sentences > 30, "{sentences} sentences in the samples");
        let small = WriterOptions {
            max_rows_per_file: 23,
            row_group_rows: 7,
            ..WriterOptions::default()
        };
        assert_same_rows(&docs, small);
        let (_, files, row_groups) = written(&docs, small, TableId::Sentences);
        assert_eq!(files, sentences.div_ceil(23));
        assert!(row_groups >= sentences.div_ceil(7));
    }

    fn samples() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
    }

    #[test]
    fn tokens_files_hold_the_builders_rows_on_the_samples() {
        let docs = documents(&samples(), usize::MAX);
        assert!(docs.iter().map(|d| d.tokens.len()).sum::<usize>() > 500);
        assert!(
            docs.iter()
                .flat_map(|d| &d.tokens)
                .any(|t| t.segments.is_split()),
            "the samples have split Arabic tokens"
        );
        assert!(
            docs.iter()
                .flat_map(|d| &d.tokens)
                .any(|t| t.norm.is_some())
        );
        let (files, row_groups) = assert_same_rows(&docs, WriterOptions::default());
        assert_eq!((files, row_groups), (1, 1));
        // Row groups and files that split documents.
        let small = WriterOptions {
            max_rows_per_file: 200,
            row_group_rows: 37,
            token_row_group_rows: 37,
            ..WriterOptions::default()
        };
        let total: usize = docs.iter().map(|d| d.tokens.len()).sum();
        let (files, row_groups) = assert_same_rows(&docs, small);
        assert_eq!(files, total.div_ceil(200));
        assert!(row_groups >= total.div_ceil(37));
    }

    #[test]
    fn tokens_files_hold_the_builders_rows_on_wcxb_pages() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/extraction/wcxb-dev/html");
        if !dir.exists() {
            eprintln!("SKIP: {} is absent", dir.display());
            return;
        }
        let docs = documents(&dir, 120);
        assert!(docs.len() >= 100);
        assert_same_rows(&docs, WriterOptions::default());
        let odd = WriterOptions {
            max_rows_per_file: 50_000,
            row_group_rows: 4099,
            token_row_group_rows: 4099,
            ..WriterOptions::default()
        };
        assert_same_rows(&docs, odd);
    }

    fn token(text: &str, start: usize, sent_idx: u32) -> crate::document::Token {
        use crate::document::{BioTag, TokenKind};
        crate::document::Token {
            sent_idx,
            start,
            end: start.saturating_add(text.chars().count()),
            byte_start: 0,
            byte_end: text.len(),
            kind: TokenKind::Word,
            norm: None,
            segments: Default::default(),
            ner: BioTag::O,
        }
    }

    #[test]
    fn extreme_and_odd_rows_survive() {
        use crate::document::{BioTag, EntityLabel, TokenKind};
        let mut a = Document {
            doc_id: "a".repeat(32),
            text: "Word word".into(),
            ..Document::default()
        };
        // Offsets that jump across the whole i64 range (deltas of 63 and 64 bits), sentence
        // indices going down, a norm, segments, an empty segment, an invalid byte span.
        let mut t = token("Word", 0, 5);
        a.token_norms.push_str("word");
        t.norm = crate::document::NormSpan::new(0, 4);
        a.tokens.push(t);
        // The same surface with another norm of its own, then with the first one again.
        let mut t = token("Word", 1, 5);
        a.token_norms.push_str("w0rd");
        t.norm = crate::document::NormSpan::new(4, 8);
        a.tokens.push(t);
        let mut t = token("Word", 2, 5);
        t.norm = crate::document::NormSpan::new(0, 4);
        a.tokens.push(t);
        let mut t = token("word", usize::MAX, 0);
        t.byte_start = 5;
        t.byte_end = 9;
        t.segments = crate::document::SegmentCuts::new(&[1, 1]).expect("two cuts");
        t.kind = TokenKind::Number;
        t.ner = BioTag::B(EntityLabel::Org);
        a.tokens.push(t);
        let mut t = token("", 3, u32::MAX);
        t.byte_start = 7;
        t.byte_end = 2;
        t.ner = BioTag::I(EntityLabel::Misc);
        a.tokens.push(t);
        for k in 0..300 {
            let mut t = token("Word", k * 1_000_003 % 7919, (k % 3) as u32);
            t.kind = if k % 5 == 0 {
                TokenKind::Punct
            } else {
                TokenKind::Word
            };
            a.tokens.push(t);
        }
        let empty = Document {
            doc_id: "e".repeat(32),
            ..Document::default()
        };
        let mut b = a.clone();
        b.doc_id = "b".repeat(32);
        b.tokens.reverse();
        // The same document again after another one: its id gets a second dictionary entry.
        let docs = vec![a.clone(), empty, b, a];
        assert_same_rows(&docs, WriterOptions::default());
        let small = WriterOptions {
            max_rows_per_file: 250,
            row_group_rows: 129,
            token_row_group_rows: 129,
            ..WriterOptions::default()
        };
        assert_same_rows(&docs, small);
    }

    /// Documents of long distinct tokens close their row groups by the strings' bytes, long
    /// before the row count, and the rows are unchanged.
    #[test]
    fn row_groups_of_long_tokens_close_at_the_byte_bound() {
        let word = |k: usize| format!("{k:0>4000}");
        let docs: Vec<Document> = (0..6)
            .map(|d| {
                let words: Vec<String> = (0..1000).map(|k| word(d * 1000 + k)).collect();
                let text = words.join(" ");
                let mut doc = Document {
                    doc_id: format!("{d:0>32}"),
                    ..Document::default()
                };
                let mut at = 0;
                for w in &words {
                    let mut t = token(w, at, 0);
                    t.byte_start = at;
                    t.byte_end = at + w.len();
                    doc.tokens.push(t);
                    at += w.len() + 1;
                }
                doc.text = text;
                doc
            })
            .collect();
        // 6,000 rows of 4,000-byte distinct surfaces, each also its own norm: 8 MB of strings
        // a document (4 MB in the surfaces' dictionary, 4 MB in the norms'). The row group
        // closes after every second document, although the row count allows one row group
        // for all.
        let (_, row_groups) = assert_same_rows(&docs, WriterOptions::default());
        assert_eq!(row_groups, 3);
    }

    #[test]
    fn no_documents_give_an_empty_tokens_file() {
        let (got, files, row_groups) = written_tokens(&[], WriterOptions::default());
        assert_eq!((got.num_rows(), files, row_groups), (0, 1, 0));
    }

    #[test]
    fn interner_gives_one_id_per_distinct_string() {
        let mut interner = StrInterner::default();
        // Short, exactly eight bytes, long with shared prefixes, nine to sixteen bytes equal in
        // their first eight, longer equal in their first sixteen, empty, and enough to grow.
        let words: Vec<String> = (0..20_000)
            .map(|i| match i % 6 {
                0 => format!("w{i}"),
                1 => format!("{:08}", i),
                2 => format!("prefix--{i}-long-tail"),
                3 => format!("abcdefgh{}", i % 7919),
                4 => format!("sixteen-bytes-ok{}", i % 7919),
                _ => "x".repeat(i % 40),
            })
            .collect();
        let ids: Vec<u32> = words.iter().map(|w| interner.intern(w)).collect();
        for (w, &id) in words.iter().zip(&ids) {
            assert_eq!(interner.get(id), w.as_bytes());
            assert_eq!(interner.intern(w), id);
        }
        let distinct: std::collections::HashSet<&String> = words.iter().collect();
        assert_eq!(interner.len(), distinct.len());
        interner.clear();
        assert_eq!(interner.intern("again"), 0);
    }

    /// Bit-packs by the definition, one bit at a time.
    fn bit_packed_reference(values: &[u32], width: u8) -> Vec<u8> {
        let groups = values.len().div_ceil(8);
        let mut out = Vec::new();
        put_varint(&mut out, ((groups as u64) << 1) | 1);
        let mut bytes = vec![0u8; groups * usize::from(width)];
        for (i, &v) in values.iter().enumerate() {
            for b in 0..usize::from(width) {
                if v >> b & 1 == 1 {
                    let at = i * usize::from(width) + b;
                    bytes[at / 8] |= 1 << (at % 8);
                }
            }
        }
        out.extend_from_slice(&bytes);
        out
    }

    #[test]
    fn bit_packing_matches_its_definition_at_every_width() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for width in 0..=32u8 {
            for len in [0, 1, 7, 8, 9, 31, 64, 100] {
                let values: Vec<u32> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        let all = u32::MAX.checked_shr(32 - u32::from(width)).unwrap_or(0);
                        (state as u32) & all
                    })
                    .collect();
                let mut got = Vec::new();
                put_bit_packed(&mut got, &values, width);
                assert_eq!(
                    got,
                    bit_packed_reference(&values, width),
                    "width {width}, {len} values"
                );
            }
        }
    }

    #[test]
    fn miniblocks_match_their_definition_at_every_width() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for width in 0..=64u32 {
            let mut values = [0u64; DELTA_MINIBLOCK];
            for v in &mut values {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *v = state.checked_shr(64 - width).unwrap_or(0);
            }
            let mut got = Vec::new();
            put_miniblock(&mut got, &values, width);
            let mut expected = vec![0u8; 4 * width as usize];
            for (i, &v) in values.iter().enumerate() {
                for b in 0..width as usize {
                    if v >> b & 1 == 1 {
                        let at = i * width as usize + b;
                        expected[at / 8] |= 1 << (at % 8);
                    }
                }
            }
            assert_eq!(got, expected, "width {width}");
        }
    }

    #[test]
    fn min_max_of_any_length() {
        assert_eq!(min_max(&[]), None);
        for len in 1..40 {
            let values: Vec<i64> = (0..len as i64)
                .map(|k| (k * 7919 % 23 - 11) * if k % 2 == 0 { i64::MAX / 16 } else { 3 })
                .collect();
            let expected = (
                *values.iter().min().expect("values"),
                *values.iter().max().expect("values"),
            );
            assert_eq!(min_max(&values), Some(expected), "{len} values");
        }
        assert_eq!(min_max(&[i64::MIN, i64::MAX]), Some((i64::MIN, i64::MAX)));
    }

    #[test]
    fn span_hashes_equal_the_hashes_of_the_sliced_strings() {
        let text = "ab\u{e9}c d\u{645}\u{62d}\u{645}\u{62f} longer-than-eight-bytes end";
        for start in 0..=text.len() + 2 {
            for end in start.saturating_sub(1)..=text.len() + 2 {
                let h = Hashed::of_span(text, start, end);
                let expected = Hashed::of(text.get(start..end).unwrap_or(""));
                assert_eq!(
                    (h.prefix, h.hash),
                    (expected.prefix, expected.hash),
                    "span {start}..{end}"
                );
            }
        }
    }

    /// Decodes the RLE / bit-packing hybrid encoding of `count` values of `width` bits.
    fn hybrid_decoded(mut bytes: &[u8], width: u8, count: usize) -> Vec<u32> {
        let mut values = Vec::new();
        while values.len() < count {
            let mut header = 0u64;
            let mut shift = 0;
            loop {
                let b = bytes[0];
                bytes = &bytes[1..];
                header |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            if header & 1 == 1 {
                let n = (header >> 1) as usize * 8;
                let w = usize::from(width);
                for k in 0..n {
                    let mut v = 0u32;
                    for b in 0..w {
                        let at = k * w + b;
                        v |= u32::from(bytes[at / 8] >> (at % 8) & 1) << b;
                    }
                    values.push(v);
                }
                bytes = &bytes[n * w / 8..];
            } else {
                let n = (header >> 1) as usize;
                let k = usize::from(width).div_ceil(8);
                let mut le = [0u8; 4];
                le[..k].copy_from_slice(&bytes[..k]);
                bytes = &bytes[k..];
                values.extend(std::iter::repeat_n(u32::from_le_bytes(le), n));
            }
        }
        assert!(bytes.is_empty(), "{} bytes left", bytes.len());
        values.truncate(count);
        values
    }

    #[test]
    fn hybrid_encoding_round_trips_runs_at_any_offset() {
        for width in [0u8, 1, 3, 9, 17, 32] {
            let top = u32::MAX.checked_shr(32 - u32::from(width)).unwrap_or(0);
            for run_at in [0, 1, 7, 15, 16, 17, 40] {
                for run_len in [1, 15, 16, 17, 33] {
                    let mut values: Vec<u32> = (0..60u32)
                        .map(|k| k.wrapping_mul(2_654_435_761) & top)
                        .collect();
                    let v = values[run_at];
                    for x in &mut values[run_at..(run_at + run_len).min(60)] {
                        *x = v;
                    }
                    let mut out = Vec::new();
                    put_hybrid(&mut out, &values, width);
                    assert_eq!(
                        hybrid_decoded(&out, width, values.len()),
                        values,
                        "width {width}, run of {run_len} at {run_at}"
                    );
                }
            }
        }
    }

    #[test]
    fn hybrid_encoding_of_runs_and_mixed_values() {
        // A run of 20 after three values: the three are padded to a group of eight with five
        // of the run, then an RLE run of the remaining 15.
        let mut values = vec![1, 2, 3];
        values.extend(std::iter::repeat_n(5, 20));
        let mut out = Vec::new();
        put_hybrid(&mut out, &values, 3);
        // Bit-packed header (1 group), 3 bytes of 8 three-bit values, RLE header, value.
        assert_eq!(out[0], 0b11);
        let packed = u32::from_le_bytes([out[1], out[2], out[3], 0]);
        let unpacked: Vec<u32> = (0..8).map(|k| (packed >> (3 * k)) & 7).collect();
        assert_eq!(unpacked, vec![1, 2, 3, 5, 5, 5, 5, 5]);
        assert_eq!(&out[4..], &[15 << 1, 5]);
        // Width zero: one RLE run and no value bytes.
        let mut out = Vec::new();
        put_hybrid(&mut out, &[0; 300], 0);
        assert_eq!(out, vec![0xD8, 0x04]);
    }
}

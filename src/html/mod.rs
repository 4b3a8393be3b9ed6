//! nahr's own HTML parser: a byte-level tokenizer and a simplified tree builder of the HTML
//! standard that build the extractor's arena DOM ([`crate::extract::dom::Dom`]) directly.
//!
//! It exists for speed: parsing is the largest share of the `clean` stage, and this parser
//! builds the same tree as a conforming parser (html5ever) on real pages for what the extractor
//! reads (elements, attributes, text and their nesting) at several times its speed.
//!
//! # Decisions
//!
//! - **Input**: the page as `&str`, cut at [`Limits::max_bytes`] on a character boundary.
//!   Before tokenizing, CR LF and lone CR become LF (as the standard's input preprocessing
//!   does) and NUL bytes are dropped (the standard drops them from body text and replaces them
//!   elsewhere; neither is page text). Pages without CR or NUL are not copied.
//! - **Tokenizer** ([`tokenizer`]): `memchr` finds `<`; tags, attributes (quoted, unquoted,
//!   valueless; a repeated attribute keeps its first value), comments (including `<!-->` and
//!   unterminated ones, which run to the end), doctypes, `<?...>`/`<!...>`/`</...>` bogus
//!   comments and CDATA sections (in SVG/MathML only) are read in place. ASCII letters of tag
//!   and attribute names are lower-cased. A start or end tag that the input ends inside is
//!   dropped, as the standard says. Character references ([`entities`]) are decoded in text,
//!   RCDATA and attribute values, with the attribute-value rule for legacy names.
//! - **Scripting off**, like the html5ever configuration this parser replaced: `<noscript>` is
//!   parsed as markup (some sites put their server-rendered text there). Raw text: `script`,
//!   `style`, `xmp`, `iframe`, `noembed`, `noframes`; RCDATA: `title`, `textarea`; `plaintext`
//!   takes the rest of the page. Scripts follow the standard's escape states (inside `<!--`, a
//!   nested `<script>...</script>` does not end the script; `-->` leaves the escape).
//! - **Script and style text is not kept** ([`drops_raw_text`]): a `style` element and a
//!   `script` other than JSON-LD (`type="application/ld+json"`, read for metadata) stay in the
//!   tree, empty. Their text is code: the extractor never renders it, and on script-heavy pages
//!   it was most of the tree's memory (WCXB page 0588: 5.0 MB of its 5.3 MB are scripts). Both
//!   parsers apply the rule, so the trees still compare. It also stops a widget's inline JSON
//!   configuration from counting as the widget's text (four WCXB dev pages lose a boilerplate
//!   heading such as "Trending" or "Comments"; word F1 0.871186 → 0.871189).
//! - **Tree building** ([`tree`]): the standard's insertion modes up to `body` (implied `html`,
//!   `head`, `body`; head-only elements placed in `head`, also when they come after it;
//!   `<noscript>` in `head` with scripting off), then the "in body" rules: void elements,
//!   self-closing syntax ignored on non-void HTML elements, `p` closed by block starts, implied
//!   end tags of `li`/`dd`/`dt`/`option`/`optgroup`/ruby, `</p>` without an open `p` and
//!   `</br>`, end tags that close to the matching element in scope and are ignored otherwise,
//!   headings closing headings, the list of active formatting elements with reconstruction and
//!   the adoption agency algorithm (so `<a>` and `<b>` misnesting gives the standard's tree),
//!   tables with implied `tbody`/`tr`/`colgroup`, cell and row closing, column groups, and
//!   foster parenting of misplaced text and elements, SVG and MathML subtrees with integration points and the break-out tags,
//!   `<template>` (its content stays inside the element, as before), framesets.
//! - **Simplified on purpose**: quirks mode is not tracked (`<table>` always closes an open
//!   `p`); `</body>` and `</html>` are ignored rather than switching to the "after body" modes
//!   (later content lands where the standard puts it: the current node); the "in select" and
//!   "in caption" modes are approximated by the in-body rules plus `select`/`option` special
//!   cases (they only affect content the extractor treats as invisible), and the "in select
//!   in table" mode is not modelled; comments and doctypes produce no nodes; SVG/MathML element
//!   and attribute names are not case-adjusted (`foreignobject`, `viewbox`), though `xlink:`,
//!   `xml:` and `xmlns:xlink` attributes keep only their local name as a conforming parser
//!   stores them; the form element pointer is kept but not associated with controls; the
//!   standard's parse errors are not reported.
//! - **One departure from the standard**: an `iframe` inside an open `noscript` is an empty
//!   element instead of a raw-text one. Tag managers put `<noscript><iframe ... /></noscript>`
//!   at the top of the body, `/>` does not end an `iframe`, and the scripting-off parse (the
//!   standard's and html5ever's) then reads the rest of the page as the iframe's text; a browser
//!   (scripting on) shows the page. One WCXB dev page (2838) lost its content this way.
//! - **Agreement**: on all 1,358 wcxb-dev and 16 arabic-dev pages the tree (elements,
//!   attributes, text; comments aside, and script and style text, which neither parser keeps)
//!   is identical to html5ever's (`real_pages_match_html5ever` in the tests).
//! - **Bounds**: the page is cut at [`Limits::max_bytes`]; parsing stops at the first token
//!   after the tree holds [`Limits::max_nodes`] nodes (the DOM is then marked truncated); the
//!   stack of open elements holds at most `2 × max_depth` (at least 64) elements: deeper
//!   elements are still inserted but as leaves (their content becomes their following
//!   siblings), so no step is quadratic in the nesting depth and nothing past the depth that
//!   traversals visit is lost. The active formatting list keeps at most 64 entries after its
//!   last marker.
//! - **Entity data**: the standard's 2,231 names in `entity_table.rs`, generated by
//!   `scripts/gen_html_entities.py` (see `SOURCE.md` beside it).

pub mod entities;
mod entity_table;
#[cfg(any(test, feature = "html5ever-oracle"))]
pub mod oracle;
pub mod tokenizer;
pub mod tree;

use std::borrow::Cow;
use std::cell::RefCell;

use crate::extract::dom::{Attr, Dom, Limits, Node};

/// Parses `html` into a [`Dom`] within `limits`.
pub fn parse(html: &str, limits: &Limits) -> Dom {
    let cut = cut_at(html, limits.max_bytes);
    let source = normalize_newlines_and_nul(&html[..cut]);
    let mut builder = tree::Builder::new(limits, source.len());
    tokenizer::tokenize(&source, &mut builder);
    let mut dom = builder.finish();
    if cut < html.len() {
        dom.truncated = true;
    }
    dom
}

/// Longest value kept of an attribute that nahr never reads ([`keeps_attribute_value`]).
pub(crate) const UNREAD_VALUE_MAX: usize = 1024;

/// Whether an attribute's value is kept in the tree. Pages carry large blobs in attributes
/// nothing reads: JSON state in `data-*` attributes (a 4.9 MB WCXB dev page holds 1.3 MB in
/// one), inline images in `src` and `srcset` (`data:` URIs), SVG path data (`d`), event-handler
/// code (`on*`). A value of such a name longer than [`UNREAD_VALUE_MAX`] bytes is left empty (the
/// attribute stays, so a test for its presence still holds); the names the extractor reads
/// (`class`, `id`, `style`, `content`, `href`...) keep their values whatever their length. Both
/// parsers, nahr's and the html5ever oracle, apply this rule, so their trees stay comparable.
pub(crate) fn keeps_attribute_value(name: &str, value_len: usize) -> bool {
    const UNREAD: [&str; 10] = [
        "src",
        "srcset",
        "imagesrcset",
        "sizes",
        "d",
        "points",
        "value",
        "poster",
        "transform",
        "path",
    ];
    value_len <= UNREAD_VALUE_MAX
        || !(name.starts_with("data-") || name.starts_with("on") || UNREAD.contains(&name))
}

/// Whether the text of the raw-text element `name` (with attributes `attrs`, their values in
/// `strings`) is left out of the tree. A `style` element's text and a script's, other than a
/// JSON-LD script's, are code: nothing reads them (the extractor never renders them, and only
/// JSON-LD scripts are read for metadata), and on script-heavy pages they were most of the
/// tree's text buffer (a 5.3 MB WCXB page: 5.0 MB of scripts). Both parsers, nahr's and the
/// html5ever oracle, apply this rule, so their trees stay comparable.
pub(crate) fn drops_raw_text(name: &str, attrs: &[Attr], strings: &str) -> bool {
    match name {
        "style" => true,
        "script" => !attrs.iter().any(|(key, value)| {
            key == "type"
                && value
                    .get(strings)
                    .trim()
                    .eq_ignore_ascii_case("application/ld+json")
        }),
        _ => false,
    }
}

/// The buffers of a parsed page, kept per thread for the next page: a worker parses page
/// after page, and reusing them saves the allocation, growth and first-touch page faults of
/// each page's node list, text buffer and attribute list.
#[derive(Default)]
pub(crate) struct Buffers {
    pub(crate) nodes: Vec<Node>,
    pub(crate) strings: String,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) is_open: Vec<bool>,
}

thread_local! {
    static SPARE: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// Buffers larger than this are freed rather than kept for the next page (see
/// [`crate::scratch`]).
pub(crate) use crate::scratch::KEEP_BYTES;

/// This thread's spare buffers (empty), or new ones.
pub(crate) fn spare_buffers() -> Buffers {
    SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

/// Keeps a finished page's buffers (emptied) for this thread's next page, unless they are
/// larger than [`KEEP_BYTES`].
pub(crate) fn recycle(mut nodes: Vec<Node>, mut strings: String, mut attrs: Vec<Attr>) {
    nodes.clear();
    strings.clear();
    attrs.clear();
    // `try_with`: a Dom dropped while the thread shuts down has nowhere to go.
    let _ = SPARE.try_with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return;
        };
        if nodes.capacity() * std::mem::size_of::<Node>() <= KEEP_BYTES {
            s.nodes = nodes;
        }
        if strings.capacity() <= KEEP_BYTES {
            s.strings = strings;
        }
        if attrs.capacity() * std::mem::size_of::<Attr>() <= KEEP_BYTES {
            s.attrs = attrs;
        }
    });
}

/// Keeps the tree builder's open-element flags (emptied) for this thread's next page.
pub(crate) fn recycle_open_flags(mut is_open: Vec<bool>) {
    is_open.clear();
    let _ = SPARE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut()
            && is_open.capacity() <= KEEP_BYTES
        {
            s.is_open = is_open;
        }
    });
}

/// The largest char boundary of `s` not above `max`.
pub fn cut_at(s: &str, max: usize) -> usize {
    let mut cut = s.len().min(max);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
}

/// CR LF and CR become LF; NUL is dropped. Borrows when there is nothing to change.
pub fn normalize_newlines_and_nul(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let Some(first) = memchr::memchr2(b'\r', 0, b) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut done = 0;
    let mut at = first;
    loop {
        // Both bytes are ASCII, so every cut is on a character boundary.
        out.push_str(&s[done..at]);
        done = at + 1;
        if b[at] == b'\r' {
            out.push('\n');
            if b.get(at + 1) == Some(&b'\n') {
                done += 1;
            }
        }
        match memchr::memchr2(b'\r', 0, &b[done..]) {
            Some(off) => at = done + off,
            None => break,
        }
    }
    out.push_str(&s[done..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;

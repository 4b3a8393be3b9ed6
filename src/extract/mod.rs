//! Main-content extraction: from a page's HTML to the text a reader came for, plus metadata.
//!
//! [`extract`] is a pure function. It parses the page into a compact arena DOM ([`dom`]),
//! reads metadata from the head, JSON-LD and the body ([`meta`]), then picks the main content
//! ([`content`]) and renders it as block-structured text ([`render`], [`text`]). When the chosen
//! content is implausibly short it falls back to the whole visible text, and says so in
//! [`Extraction::extractor`].

pub mod blocks;
pub mod content;
pub mod date;
pub mod dom;
pub mod gbt;
pub mod meta;
pub mod render;
pub mod text;
pub mod vocab;

use std::sync::Arc;

use crate::document::Metadata;
use dom::{Dom, Limits, ROOT, Tag};

/// Which text the extractor returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The main content, falling back to the visible text when it looks too short.
    Main,
    /// All visible text of the body, with block structure.
    Visible,
}

/// Options of [`extract`].
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Main content or all visible text.
    pub mode: Mode,
    /// Bounds on the work done per page.
    pub limits: Limits,
    /// The learned block scorer ([`blocks`]): when set, the blocks it accepts replace the
    /// heuristic's choice of main content.
    pub block_model: Option<Arc<blocks::BlockModel>>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            mode: Mode::Main,
            limits: Limits::default(),
            block_model: None,
        }
    }
}

/// The learned block scorer shipped with nahr (`models/extract/blocks.gbt`, trained on WCXB
/// dev by `make blocks-model`), parsed once.
pub fn builtin_block_model() -> Result<Arc<blocks::BlockModel>, String> {
    static MODEL: std::sync::OnceLock<Result<Arc<blocks::BlockModel>, String>> =
        std::sync::OnceLock::new();
    MODEL
        .get_or_init(|| {
            blocks::BlockModel::from_text(include_str!("../../models/extract/blocks.gbt"))
                .map(Arc::new)
        })
        .clone()
}

/// The result of [`extract`].
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// The cleaned text.
    pub text: String,
    /// Which path produced the text: `main`, `fallback`, `visible` or `empty`.
    pub extractor: &'static str,
    /// Metadata found in the page.
    pub meta: Metadata,
    /// True when a byte or node limit cut the page.
    pub truncated: bool,
}

/// Extracts the text and metadata of one page. `url` is the page's address when known.
pub fn extract(html: &str, url: Option<&str>, opts: &ExtractOptions) -> Extraction {
    let dom = Dom::parse(html, &opts.limits);
    let max_depth = opts.limits.max_depth;
    let facts = meta::gather(&dom, max_depth);
    let meta = meta::metadata(&facts, url);
    let (text, extractor) = match opts.mode {
        Mode::Visible => {
            let body = dom.find_first(Tag::Body, max_depth).unwrap_or(ROOT);
            (
                render::render(&dom, body, max_depth, &|id| render::is_hidden(&dom, id)),
                "visible",
            )
        }
        Mode::Main => {
            let (text, extractor) = main_text(&dom, max_depth, opts.block_model.as_deref());
            let text = drop_repeats(text);
            let (text, extractor) = cross_check(text, extractor, facts.ld.body.as_deref());
            let (text, extractor) = describe_empty(text, extractor, meta.description.as_deref());
            (with_headline(text, meta.title.as_deref()), extractor)
        }
    };
    let extractor = if text.is_empty() { "empty" } else { extractor };
    Extraction {
        text,
        extractor,
        meta,
        truncated: dom.truncated,
    }
}

/// Main content with the recall guard, then (with a model) the learned block scorer's
/// reading of the same page.
fn main_text(
    dom: &Dom,
    max_depth: usize,
    model: Option<&blocks::BlockModel>,
) -> (String, &'static str) {
    let h = heuristic(dom, max_depth);
    if let (Some(model), Some(choice)) = (model, h.choice) {
        let learned = blocks::render_learned(dom, &h.analysis, choice, max_depth, model);
        if !learned.is_empty()
            && text::word_count(&learned) as f32
                >= model.min_share * text::word_count(&h.text) as f32
        {
            return (learned, h.extractor);
        }
    }
    (h.text, h.extractor)
}

/// The heuristic's reading of a page.
struct Heuristic {
    analysis: content::Analysis,
    /// What was chosen; `None` when the page is all boilerplate and its visible text was
    /// returned.
    choice: Option<blocks::Choice>,
    text: String,
    extractor: &'static str,
}

/// The heuristic main content with the recall guard: when the chosen content is implausibly
/// short for the page, the whole text of the body less its boilerplate is returned instead
/// (`fallback`).
fn heuristic(dom: &Dom, max_depth: usize) -> Heuristic {
    let thread = content::is_thread(dom, max_depth);
    let mut a = content::analyse_as(dom, max_depth, true, thread);
    if (a.chars[a.body as usize] as usize) < RETRY_HIDDEN_BELOW {
        let all = content::analyse_as(dom, max_depth, false, thread);
        if all.chars[all.body as usize] > 2 * a.chars[a.body as usize] {
            a = all;
        }
    }
    let first = read(dom, a, max_depth);
    let short = first.extractor == "fallback" || non_space(&first.text) < MIN_MAIN_CHARS;
    if thread || !short || first.choice.is_none() {
        return first;
    }
    // The chosen content was implausibly short: when the page is an undeclared discussion
    // whose posts were taken for comments, reading it as a thread finds them, and more text
    // than the fallback holds (the posts were left out of it too).
    let as_thread = content::analyse_as(dom, max_depth, first.analysis.respect_hidden, true);
    let second = read(dom, as_thread, max_depth);
    if second.extractor == "main" && non_space(&second.text) > non_space(&first.text) {
        second
    } else {
        first
    }
}

/// The main content of one analysis of the page, with the recall guard.
fn read(dom: &Dom, a: content::Analysis, max_depth: usize) -> Heuristic {
    let root = content::widen_to_main(dom, &a, content::choose(dom, &a, max_depth));
    let mut b = text::TextBuilder::new();
    content::render_main(dom, &a, root, max_depth, &mut b);
    let main = b.finish();
    let main_chars = non_space(&main);
    let body_chars = a.chars[a.body as usize] as usize;
    let chose = |fallback: bool| Some(blocks::Choice { root, fallback });
    // Cheap exit: the body (boilerplate included) bounds the fallback text from above.
    if main_chars * FALLBACK_RATIO >= body_chars {
        return Heuristic {
            analysis: a,
            choice: chose(false),
            text: main,
            extractor: "main",
        };
    }
    let all = render::render(dom, a.body, max_depth, &|id| {
        a.removed[id as usize] || (a.respect_hidden && render::is_hidden(dom, id))
    });
    let all_chars = non_space(&all);
    if all_chars == 0 && main_chars == 0 {
        // Everything visible was marked as boilerplate (a page built of header, banner and
        // footer only): the visible text is better than nothing.
        let visible = render::render(dom, a.body, max_depth, &|id| {
            a.respect_hidden && render::is_hidden(dom, id)
        });
        return Heuristic {
            analysis: a,
            choice: None,
            text: visible,
            extractor: "fallback",
        };
    }
    if main_chars < MIN_MAIN_CHARS.min(all_chars) || main_chars * FALLBACK_RATIO < all_chars {
        Heuristic {
            analysis: a,
            choice: chose(true),
            text: all,
            extractor: "fallback",
        }
    } else {
        Heuristic {
            analysis: a,
            choice: chose(false),
            text: main,
            extractor: "main",
        }
    }
}

/// The blocks of a page with their features and own text, as the learned block scorer sees
/// them after the heuristic (for training it: `nahr train-blocks`). Empty when the page is all
/// boilerplate.
pub fn page_blocks(html: &str, limits: &Limits) -> blocks::PageBlocks {
    let dom = Dom::parse(html, limits);
    let h = heuristic(&dom, limits.max_depth);
    match h.choice {
        Some(choice) => blocks::collect(&dom, &h.analysis, choice, limits.max_depth, true),
        None => blocks::PageBlocks::default(),
    }
}

/// Characters of `s` that are not white space: ASCII bytes by a test of the byte, the
/// characters of U+0600–U+06FF (none of them white space) by their lead byte, other characters
/// by their Unicode property.
fn non_space(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            n += usize::from(!matches!(b[i], b' ' | b'\t'..=b'\r'));
            i += 1;
            continue;
        }
        if (0xD8..=0xDB).contains(&b[i]) {
            // U+0600–U+06FF (two bytes): no white space there.
            n += 1;
            i += 2;
            continue;
        }
        // `i` is on a character boundary: ASCII bytes are whole characters.
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        n += usize::from(!c.is_whitespace());
        i += c.len_utf8();
    }
    n
}

/// When the body less its boilerplate has more than this many times the text of the chosen
/// content, the choice is implausible (a landing page or listing whose content is spread over
/// many small sections) and the body less its boilerplate is returned instead.
const FALLBACK_RATIO: usize = 5;

/// Pages with less visible text than this (non-space characters) are analysed again with
/// hidden elements included, and the richer reading wins.
const RETRY_HIDDEN_BELOW: usize = 1000;

/// Main content shorter than this (non-space characters) is checked against the page.
const MIN_MAIN_CHARS: usize = 200;

/// Lines at least this long (characters) are dropped when they repeat an earlier line.
const REPEAT_MIN_CHARS: usize = 60;

/// Drops every line of [`REPEAT_MIN_CHARS`] or more that repeats an earlier line of the text
/// word for word: pages that carry their content twice (a desktop and a mobile layout, a
/// sticky copy of the summary, a slider's cloned slides, a post quoted in each reply) would
/// otherwise give it twice.
fn drop_repeats(text: String) -> String {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut dropped = false;
    let mut paras: Vec<String> = Vec::new();
    for para in text.split("\n\n") {
        let mut lines: Vec<&str> = Vec::new();
        for line in para.split('\n') {
            if line.chars().count() >= REPEAT_MIN_CHARS && !seen.insert(line) {
                dropped = true;
                continue;
            }
            lines.push(line);
        }
        if !lines.is_empty() {
            paras.push(lines.join("\n"));
        }
    }
    if dropped { paras.join("\n\n") } else { text }
}

/// JSON-LD `articleBody` as a cross-check: when the page's own body text is much longer than
/// what the DOM gave (a script-rendered page, a missed container), it is used instead.
fn cross_check(
    text: String,
    extractor: &'static str,
    ld_body: Option<&str>,
) -> (String, &'static str) {
    let Some(body) = ld_body else {
        return (text, extractor);
    };
    let mut b = text::TextBuilder::new();
    for para in body.split('\n') {
        b.push(para, false);
        b.brk(text::Break::Para);
    }
    let ld = b.finish();
    let ld_words = text::word_count(&ld);
    if ld_words >= 50 && text::word_count(&text) * 2 < ld_words {
        (ld, "fallback")
    } else {
        (text, extractor)
    }
}

/// A description of at least this many words replaces a shorter text.
const DESCRIBE_MIN_WORDS: usize = 20;

/// A page whose body has no text at all (a script-rendered shell), or less than its own
/// description meta tag of [`DESCRIBE_MIN_WORDS`] or more (a forum that renders its posts by
/// script, with the first post as its description), is described by that description.
fn describe_empty(
    text: String,
    extractor: &'static str,
    description: Option<&str>,
) -> (String, &'static str) {
    match description {
        Some(d)
            if !d.trim().is_empty()
                && (text.is_empty()
                    || (text::word_count(d) >= DESCRIBE_MIN_WORDS
                        && text::word_count(&text) < text::word_count(d))) =>
        {
            let mut b = text::TextBuilder::new();
            b.push(d, false);
            (b.finish(), "fallback")
        }
        _ => (text, extractor),
    }
}

/// Puts the headline on the first line unless the text already opens with it.
fn with_headline(text: String, title: Option<&str>) -> String {
    let Some(title) = title.filter(|t| !t.is_empty()) else {
        return text;
    };
    if text.is_empty() {
        return text;
    }
    let head: String = text.chars().take(title.chars().count() + 300).collect();
    if head.contains(title) {
        return text;
    }
    format!("{title}\n\n{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_space_counts_what_is_not_white_space() {
        let all_ascii: String = (0u8..128).map(char::from).collect();
        for s in [
            all_ascii.as_str(),
            "Hello,  world!\n\nقال\u{00A0}الوزير\u{2003}x\u{3000}y\u{0085}\u{200B}",
            "",
            "   ",
            &('\u{0600}'..='\u{06FF}').collect::<String>(),
        ] {
            assert_eq!(
                non_space(s),
                s.chars().filter(|c| !c.is_whitespace()).count(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn headline_goes_first_once() {
        assert_eq!(
            with_headline("Body text.".into(), Some("Title")),
            "Title\n\nBody text."
        );
        assert_eq!(
            with_headline("Title\n\nBody text.".into(), Some("Title")),
            "Title\n\nBody text."
        );
        assert_eq!(with_headline(String::new(), Some("Title")), "");
        assert_eq!(with_headline("Body".into(), None), "Body");
    }

    #[test]
    fn json_ld_body_replaces_a_much_shorter_extraction() {
        let body = "word ".repeat(100);
        let (t, e) = cross_check("short".into(), "main", Some(&body));
        assert_eq!(e, "fallback");
        assert_eq!(t.split_whitespace().count(), 100);
        let long = "other ".repeat(80);
        let (t, e) = cross_check(long.clone(), "main", Some(&body));
        assert_eq!((t.as_str(), e), (long.as_str(), "main"));
    }

    #[test]
    fn a_page_of_chrome_only_gives_its_visible_text() {
        let html = "<body><header><h1>Acme Corporation</h1></header>\
                    <nav><a href=/a>Pricing</a> <a href=/b>Customers</a></nav>\
                    <footer><a href=/t>Terms of use</a> <a href=/p>Privacy</a></footer></body>";
        let ex = extract(html, None, &ExtractOptions::default());
        assert!(
            ex.extractor == "fallback"
                && ex.text.contains("Pricing")
                && ex.text.contains("Privacy"),
            "{ex:?}"
        );
    }

    #[test]
    fn an_empty_shell_is_described_by_its_description() {
        let html = "<head><meta name=description content='A thread about routers.'></head>\
                    <body><div id=app></div><script>render()</script></body>";
        let ex = extract(html, None, &ExtractOptions::default());
        assert_eq!(
            (ex.text.as_str(), ex.extractor),
            ("A thread about routers.", "fallback")
        );
        let bare = extract(
            "<body><div id=app></div></body>",
            None,
            &ExtractOptions::default(),
        );
        assert_eq!((bare.text.as_str(), bare.extractor), ("", "empty"));
    }

    #[test]
    fn an_undeclared_thread_keeps_its_posts_when_nothing_else_is_left() {
        let posts: String = (0..5)
            .map(|i| {
                format!(
                    "<div class=comment><p>I had the same problem with my router and a \
                     firmware update fixed it for me {i} days ago.</p></div>"
                )
            })
            .collect();
        let links = "<a href=/x>Another forum section</a> ".repeat(30);
        let html = format!(
            "<body><nav>{links}</nav><h1>Router keeps dropping</h1>\
             <div class=comments>{posts}</div></body>"
        );
        let ex = extract(&html, None, &ExtractOptions::default());
        assert_eq!(
            ex.text.matches("I had the same problem").count(),
            5,
            "{ex:?}"
        );
        assert!(!ex.text.contains("Another forum section"), "{ex:?}");
        assert_eq!(ex.extractor, "main");
    }

    #[test]
    fn content_carried_twice_is_given_once() {
        let para = "The simple design with clean lines makes the shelf easy to use at home.";
        let text = format!("Shelf\n\n{para}\nShort line\n\nShort line\n{para}\n\nThe end.");
        assert_eq!(
            drop_repeats(text),
            format!("Shelf\n\n{para}\nShort line\n\nShort line\n\nThe end.")
        );
        let html = format!(
            "<body><div class=desktop><p>{para}</p><p>{para} Twice.</p></div>\
             <div class=mobile><p>{para}</p><p>{para} Twice.</p></div></body>"
        );
        let ex = extract(&html, None, &ExtractOptions::default());
        assert_eq!(ex.text.matches("The simple design").count(), 2, "{ex:?}");
    }

    #[test]
    fn a_description_longer_than_the_text_replaces_it() {
        let d = "So I wanted to know what real world range people are getting. I did 24 miles on \
                 Friday and another 15 on Tuesday without charging, and still had some left.";
        let html = format!(
            "<head><meta name=description content='{d}'></head><body><h1>Range?</h1>\
             <div id=app>Donate now</div></body>"
        );
        let ex = extract(&html, None, &ExtractOptions::default());
        assert_eq!((ex.text.as_str(), ex.extractor), (d, "fallback"));
        let short = "<head><meta name=description content='A thread.'></head>\
                     <body><p>Two words</p></body>";
        let ex = extract(short, None, &ExtractOptions::default());
        assert_eq!(ex.text, "Two words");
    }

    #[test]
    fn visible_mode_keeps_everything_visible() {
        let html = "<body><nav><a href=/>Home</a></nav><p>Text here.</p></body>";
        let opts = ExtractOptions {
            mode: Mode::Visible,
            ..ExtractOptions::default()
        };
        let ex = extract(html, None, &opts);
        assert_eq!(ex.extractor, "visible");
        assert_eq!(ex.text, "Home\n\nText here.");
    }
}

//! Choosing the main content of a page.
//!
//! Three passes over the arena DOM, all iterative and bounded by the depth limit:
//!
//! 1. **Measure**: visible characters and characters inside links for every element.
//! 2. **Mark boilerplate**: elements named as page chrome by their tag (`nav`, `aside`,
//!    `footer`...), ARIA role, class/id vocabulary or a visible box label ("اقرأ أيضا",
//!    "Related posts"...). A guard keeps any such element that holds most of the page's text
//!    (a wrapper called `content-with-sidebar`, or the comment list of a forum thread); the
//!    kinds it was named for are then not applied again below it.
//! 3. **Score**: every text block (nearest block-level ancestor of some text) gets a value, high
//!    for long sentence-like text, negative for link text and short fragments; an element's
//!    score is the sum over its blocks. The main content is the element with the highest score,
//!    with a bonus for semantic containers (`article`, `main`, `itemprop=articleBody`).
//!
//! The chosen element is then rendered without its boilerplate and link-list blocks.

use super::dom::{Dom, NONE, NodeData, NodeId, ROOT, Tag};
use super::render::{self, is_hidden};
use super::text::TextBuilder;
use super::vocab::{self, Kinds};

/// Per-element measurements and decisions.
pub struct Analysis {
    /// Visible non-space characters under each node.
    pub chars: Vec<u32>,
    /// Of those, characters inside links.
    pub link_chars: Vec<u32>,
    /// Sentence punctuation marks under each node.
    pub punct: Vec<u32>,
    /// Letters under each node.
    pub letters: Vec<u32>,
    /// Characters under each node that belong to prose: text runs of at least
    /// [`PROSE_RUN`] characters holding a sentence end.
    pub prose: Vec<u32>,
    /// Boilerplate elements (removed with their subtree).
    pub removed: Vec<bool>,
    /// Why an element was removed: the boilerplate kinds it was named for
    /// ([`vocab::LABEL`] when a visible label marked it).
    pub reason: Vec<Kinds>,
    /// Content score of each element.
    pub score: Vec<f32>,
    /// The body (or the root when there is none).
    pub body: NodeId,
    /// Whether elements hidden by their attributes were left out.
    pub respect_hidden: bool,
    /// Whether the page was read as a discussion thread (comments kept).
    pub thread: bool,
}

impl Analysis {
    /// True when `id` is hidden and hidden elements are left out.
    pub(crate) fn hidden(&self, dom: &Dom, id: NodeId) -> bool {
        self.respect_hidden && is_hidden(dom, id)
    }
}

fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | '!' | '?' | ';' | ':' | '،' | '؛' | '؟' | '۔' | '。' | '，'
    )
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '۔' | '。')
}

/// What [`measure`] counts in a text run.
struct TextCounts {
    /// Visible characters (neither space nor invisible control).
    n: u32,
    /// Of those, sentence punctuation.
    p: u32,
    /// Of those, letters.
    l: u32,
    /// Whether a sentence end is among them.
    ends: bool,
}

/// Classes of ASCII bytes for [`count_text`]: counted at all, sentence punctuation, sentence
/// end, letter.
const ASCII_COUNTED: u8 = 1;
const ASCII_PUNCT: u8 = 2;
const ASCII_END: u8 = 4;
const ASCII_LETTER: u8 = 8;
const ASCII_CLASSES: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0x21;
    while b < 0x7f {
        t[b] = ASCII_COUNTED;
        if (b as u8).is_ascii_alphabetic() {
            t[b] |= ASCII_LETTER;
        }
        b += 1;
    }
    t[b'.' as usize] |= ASCII_PUNCT | ASCII_END;
    t[b'!' as usize] |= ASCII_PUNCT | ASCII_END;
    t[b'?' as usize] |= ASCII_PUNCT | ASCII_END;
    t[b',' as usize] |= ASCII_PUNCT;
    t[b';' as usize] |= ASCII_PUNCT;
    t[b':' as usize] |= ASCII_PUNCT;
    t
};

/// Classes of the characters U+0600–U+06FF (two bytes in UTF-8, the first 0xD8–0xDB), as
/// [`ASCII_CLASSES`]: all visible but U+061C (an invisible control), the Arabic comma,
/// semicolon, question mark and full stop as sentence punctuation, and the letters of
/// [`crate::chars::is_alphabetic`]. A test checks every entry against the properties.
const ARABIC_CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = 0x600 + i as u32;
        if c != 0x061C {
            t[i] = ASCII_COUNTED;
        }
        if crate::chars::is_alphabetic_0600(c) {
            t[i] |= ASCII_LETTER;
        }
        i += 1;
    }
    t[0x0C] |= ASCII_PUNCT;
    t[0x1B] |= ASCII_PUNCT;
    t[0x1F] |= ASCII_PUNCT | ASCII_END;
    t[0xD4] |= ASCII_PUNCT | ASCII_END;
    t
};

/// Counts the visible characters, sentence punctuation and letters of a text run: ASCII
/// bytes and the characters U+0600–U+06FF by table, other characters by their Unicode
/// properties.
fn count_text(t: &str) -> TextCounts {
    let mut c = TextCounts {
        n: 0,
        p: 0,
        l: 0,
        ends: false,
    };
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let k = if b[i] < 0x80 {
            i += 1;
            ASCII_CLASSES[b[i - 1] as usize]
        } else if (0xD8..=0xDB).contains(&b[i]) && i + 1 < b.len() {
            // U+0600–U+06FF: the low two bits of the lead byte and six of the next.
            let k = ARABIC_CLASSES[usize::from(b[i] & 0x03) << 6 | usize::from(b[i + 1] & 0x3F)];
            i += 2;
            k
        } else {
            0xFF
        };
        if k != 0xFF {
            c.n += u32::from(k & ASCII_COUNTED);
            c.p += u32::from(k & ASCII_PUNCT != 0);
            c.l += u32::from(k & ASCII_LETTER != 0);
            c.ends |= k & ASCII_END != 0;
            continue;
        }
        // A non-ASCII character: `i` is on a character boundary (ASCII bytes are whole
        // characters), so the rest of the string starts with it.
        let Some(ch) = t[i..].chars().next() else {
            break;
        };
        i += ch.len_utf8();
        if !super::text::is_space(ch) && !super::text::is_invisible_control(ch) {
            c.n += 1;
            if is_sentence_punct(ch) {
                c.p += 1;
                c.ends |= is_sentence_end(ch);
            } else if crate::chars::is_alphabetic(ch) {
                c.l += 1;
            }
        }
    }
    c
}

/// A text run needs this many characters (and a sentence end) to count as prose.
const PROSE_RUN: u32 = 50;

/// Pass 1: characters, link characters and punctuation per node.
fn measure(dom: &Dom, body: NodeId, max_depth: usize, a: &mut Analysis) {
    let mut stack: Vec<(NodeId, usize, bool)> = vec![(body, 0, false)];
    let mut in_link = 0u32;
    while let Some((id, depth, exiting)) = stack.pop() {
        let node = dom.node(id);
        if exiting {
            if dom.tag(id) == Some(Tag::A) {
                in_link = in_link.saturating_sub(1);
            }
            if id != body && node.parent != NONE {
                let p = node.parent as usize;
                let i = id as usize;
                a.chars[p] += a.chars[i];
                a.link_chars[p] += a.link_chars[i];
                a.punct[p] += a.punct[i];
                a.letters[p] += a.letters[i];
                a.prose[p] += a.prose[i];
            }
            continue;
        }
        match &node.data {
            NodeData::Text(t) => {
                let TextCounts { n, p, l, ends } = count_text(dom.str(*t));
                if node.parent != NONE {
                    let par = node.parent as usize;
                    a.chars[par] += n;
                    a.punct[par] += p;
                    a.letters[par] += l;
                    if ends && n >= PROSE_RUN && in_link == 0 {
                        a.prose[par] += n;
                    }
                    if in_link > 0 {
                        a.link_chars[par] += n;
                    }
                }
            }
            NodeData::Element { tag, .. } => {
                if id != body && (tag.is_invisible() || a.hidden(dom, id)) {
                    continue;
                }
                if *tag == Tag::A {
                    in_link += 1;
                }
                stack.push((id, depth, true));
                if depth < max_depth {
                    let mut c = node.last_child;
                    while c != NONE {
                        stack.push((c, depth + 1, false));
                        c = dom.node(c).prev;
                    }
                }
            }
            _ => {}
        }
    }
}

/// The boilerplate kinds of an element from its tag, role and class/id, with the content flag.
pub(crate) fn element_kinds(dom: &Dom, id: NodeId, tag: Tag) -> (Kinds, bool) {
    let mut kinds = match tag {
        Tag::Nav | Tag::Menu => vocab::NAV,
        Tag::Footer => vocab::FOOTER,
        Tag::Aside => vocab::SIDEBAR,
        Tag::Header => vocab::HEADER,
        _ => 0,
    };
    let mut positive = matches!(tag, Tag::Article | Tag::Main);
    // Values are looked at only for the names that matter.
    for (name, value) in dom.attr_entries(id) {
        let name: &str = name;
        if !matches!(name, "class" | "id" | "role" | "itemprop") {
            continue;
        }
        let value = dom.str(*value);
        match name {
            "class" | "id" => {
                let (k, p) = vocab::class_kinds(value);
                kinds |= k;
                positive |= p;
            }
            "role" => {
                kinds |= vocab::role_kinds(value);
                if value.eq_ignore_ascii_case("main") || value.eq_ignore_ascii_case("article") {
                    positive = true;
                }
            }
            "itemprop" if value.contains("articleBody") || value.contains("text") => {
                positive = true;
            }
            _ => {}
        }
    }
    if matches!(
        tag,
        Tag::Table | Tag::Thead | Tag::Tbody | Tag::Tfoot | Tag::Tr | Tag::Th | Tag::Td
    ) {
        // A table's "header" or "footer" (`sticky-header`, `table-footer`) is a part of the
        // table, not of the page.
        kinds &= !(vocab::HEADER | vocab::FOOTER);
    }
    (kinds, positive)
}

/// Kinds that a content word in the class does not cancel.
/// These also remove an element whatever its text.
const STRONG: Kinds =
    vocab::NAV | vocab::SOCIAL | vocab::COMMENT | vocab::AD | vocab::POPUP | vocab::CONSENT;

/// A block named as navigation by its class or role but with at least this many characters,
/// most of them prose, is content.
const NAV_PLAIN_TEXT: f32 = 200.0;

/// Pass 2: marks boilerplate elements top-down.
fn mark(dom: &Dom, body: NodeId, max_depth: usize, thread: bool, a: &mut Analysis) {
    let total = a.chars[body as usize].max(1) as f32;
    let (landmarks, articles) = landmark_ancestors(dom, body, max_depth, a);
    // (node, depth, kinds disabled below this point, inside an `article`)
    let mut stack: Vec<(NodeId, usize, Kinds, bool)> = vec![(body, 0, 0, false)];
    while let Some((id, depth, disabled, in_article)) = stack.pop() {
        let Some(tag) = dom.tag(id) else {
            continue;
        };
        let mut disabled = disabled;
        if id != body {
            let (mut kinds, positive) = element_kinds(dom, id, tag);
            if tag == Tag::Header && in_article {
                // The header of an article (or of each teaser in a list): its headline.
                kinds &= !vocab::HEADER;
            }
            if in_article
                && tag == Tag::Aside
                && a.prose[id as usize] as f32 >= 0.5 * a.chars[id as usize] as f32
                && (a.link_chars[id as usize] as f32) < 0.3 * a.chars[id as usize] as f32
            {
                // An aside of prose inside an article: a pull quote or a note of the text.
                kinds &= !vocab::SIDEBAR;
            }
            let mut kinds = kinds & !disabled;
            if positive {
                // `entry-content`, `content-sidebar-wrap`, `entry-header`: a content word
                // outweighs a layout word, but not a byline, footer or widget word.
                kinds &= !(vocab::SIDEBAR | vocab::HEADER | vocab::NAV);
            }
            let structural = matches!(tag, Tag::Nav | Tag::Aside | Tag::Footer | Tag::Menu);
            let chars = a.chars[id as usize] as f32;
            if tag == Tag::Form {
                // A form is boilerplate when it is mostly controls (comment, search, login
                // forms); some sites wrap the whole page in one.
                if chars < 0.25 * total && has_text_input(dom, id, max_depth) {
                    kinds |= vocab::COMMENT;
                }
            }
            if landmarks[id as usize] && !structural {
                // Holds the page's main landmark: a layout wrapper, whatever its class says.
                disabled |= kinds & !vocab::COMMENT;
                kinds &= vocab::COMMENT;
            }
            if kinds != 0 {
                let links = a.link_chars[id as usize] as f32;
                let share = chars / total;
                let linky = links >= 0.3 * chars;
                let wrapper = share > 0.6 || (share > 0.45 && !linky);
                let remove = if kinds & vocab::CONSENT != 0 {
                    true
                } else if structural {
                    // A menu holds the page only when the page's landmark is inside it or
                    // there is little else; a menu of plain text (no links) is still a menu.
                    if matches!(tag, Tag::Nav | Tag::Menu) {
                        !landmarks[id as usize] && share <= 0.8
                    } else {
                        !wrapper
                    }
                } else if kinds & vocab::COMMENT != 0 {
                    // Comments go, unless the page is a discussion thread or they are the
                    // page (little else on it).
                    !thread
                        && !(wrapper
                            && (total - chars < 1000.0
                                || (share > 0.6 && !article_outside(dom, &articles, id))))
                } else if kinds & STRONG == vocab::NAV
                    && chars >= NAV_PLAIN_TEXT
                    && a.prose[id as usize] as f32 >= 0.5 * chars
                {
                    // Named a menu but holding prose (an accordion of questions, a section
                    // id'd after its table-of-contents entry): content.
                    false
                } else if kinds & STRONG != 0 {
                    !wrapper && (share < 0.3 || linky)
                } else {
                    // Sidebar, related, meta, header and footer names also wrap real content
                    // (`elementor-widget`, `entry-header`): only short or link-heavy ones go.
                    // Widget names alone are too common on page builders to mean a sidebar
                    // unless the block is mostly links.
                    let short = chars < 150.0 && kinds != vocab::SIDEBAR;
                    !wrapper && (short || linky)
                };
                if remove {
                    a.removed[id as usize] = true;
                    a.reason[id as usize] = kinds;
                    continue;
                }
                if wrapper {
                    disabled |= kinds;
                }
            }
        }
        if depth >= max_depth {
            continue;
        }
        let in_article = in_article || tag == Tag::Article;
        let mut c = dom.node(id).last_child;
        while c != NONE {
            if dom.tag(c).is_some() {
                stack.push((c, depth + 1, disabled, in_article));
            }
            c = dom.node(c).prev;
        }
    }
    mark_labels(dom, body, max_depth, a, total);
}

/// Prose characters that make an `article` a post of its own.
const ARTICLE_PROSE: u32 = 1000;

/// True when one of `articles` lies outside `id` (neither inside it nor around it).
fn article_outside(dom: &Dom, articles: &[NodeId], id: NodeId) -> bool {
    articles
        .iter()
        .any(|&art| !is_ancestor(dom, id, art) && !is_ancestor(dom, art, id))
}

/// True when `anc` is `id` or one of its ancestors.
fn is_ancestor(dom: &Dom, anc: NodeId, mut id: NodeId) -> bool {
    while id != NONE {
        if id == anc {
            return true;
        }
        id = dom.node(id).parent;
    }
    false
}

/// Elements that contain the page's main landmark (`<main>`, `role=main`,
/// `itemprop=articleBody`), the landmark itself included; and the article bodies (`article`
/// or `itemprop=articleBody` with at least [`ARTICLE_PROSE`] characters of prose), posts that
/// comments may follow.
fn landmark_ancestors(
    dom: &Dom,
    body: NodeId,
    max_depth: usize,
    a: &Analysis,
) -> (Vec<bool>, Vec<NodeId>) {
    let mut marks = vec![false; dom.nodes.len()];
    let mut found = Vec::new();
    let mut articles = Vec::new();
    dom.walk(body, max_depth, &mut |id, _| {
        let Some(tag) = dom.tag(id) else {
            return false;
        };
        let article_body = dom
            .attr(id, "itemprop")
            .is_some_and(|v| v.contains("articleBody"));
        if tag == Tag::Main
            || article_body
            || dom
                .attr(id, "role")
                .is_some_and(|r| r.eq_ignore_ascii_case("main"))
        {
            found.push(id);
        }
        if (tag == Tag::Article || article_body) && a.prose[id as usize] >= ARTICLE_PROSE {
            articles.push(id);
        }
        !tag.is_invisible()
    });
    for mut id in found {
        while id != NONE && !marks[id as usize] {
            marks[id as usize] = true;
            id = dom.node(id).parent;
        }
    }
    (marks, articles)
}

fn has_text_input(dom: &Dom, id: NodeId, max_depth: usize) -> bool {
    let mut found = false;
    dom.walk(id, max_depth, &mut |n, _| {
        if found {
            return false;
        }
        if matches!(dom.tag(n), Some(Tag::Textarea) | Some(Tag::Input)) {
            found = true;
        }
        true
    });
    found
}

/// Marks boxes headed by a boilerplate label ("اقرأ أيضا", "Related posts", "اترك رد").
fn mark_labels(dom: &Dom, body: NodeId, max_depth: usize, a: &mut Analysis, total: f32) {
    let mut labels: Vec<NodeId> = Vec::new();
    let removed = &a.removed;
    let chars = &a.chars;
    dom.walk(body, max_depth, &mut |id, _| {
        if removed[id as usize] {
            return false;
        }
        let Some(tag) = dom.tag(id) else {
            return false;
        };
        let c = chars[id as usize];
        if c == 0 {
            return false;
        }
        if c <= 100 {
            let parent = dom.node(id).parent;
            let topmost = parent == NONE || chars[parent as usize] > c;
            if topmost && !matches!(tag, Tag::Body | Tag::Html) {
                labels.push(id);
            }
            return c > 40;
        }
        true
    });
    for id in labels {
        let text = render::text_content(dom, id, 16);
        if is_credit_line(&text) {
            a.removed[id as usize] = true;
            a.reason[id as usize] |= vocab::LABEL | vocab::META;
            continue;
        }
        if a.chars[id as usize] > 40 {
            continue;
        }
        let kinds = vocab::label_kinds(&text);
        if kinds == 0 {
            continue;
        }
        if kinds == vocab::CTA {
            a.removed[id as usize] = true;
            a.reason[id as usize] |= vocab::LABEL | vocab::CTA;
            continue;
        }
        // Climb to the box the label heads: parents that are mostly the label and links, or
        // (for a "related" label that opens the box) a grid of tiles without prose.
        let mut boxed = id;
        let label_chars = a.chars[id as usize] as f32;
        let mut before = 0u32;
        loop {
            let p = dom.node(boxed).parent;
            if p == NONE || p == body {
                break;
            }
            if matches!(dom.tag(p), Some(Tag::Article | Tag::Main | Tag::Body)) {
                break;
            }
            let pc = a.chars[p as usize] as f32;
            let pl = a.link_chars[p as usize] as f32;
            let small = pc <= 3.0 * label_chars + 60.0;
            let linky = pl >= 0.5 * (pc - label_chars) && pc < 0.3 * total;
            before += chars_before(dom, a, boxed);
            let tiles = kinds & vocab::RELATED != 0
                && before <= HEADED_WITHIN
                && (a.prose[p as usize] as f32) <= TILE_PROSE * (pc - label_chars)
                && pc < 0.3 * total;
            if small || linky || tiles {
                boxed = p;
            } else {
                break;
            }
        }
        a.removed[boxed as usize] = true;
        a.reason[boxed as usize] |= vocab::LABEL;
    }
}

/// A label heads a box when at most this many characters of the box come before it.
const HEADED_WITHIN: u32 = 20;

/// A box of tiles (other products, other stories) has at most this share of prose.
const TILE_PROSE: f32 = 0.2;

/// Visible characters of the siblings before `id` (elements and text).
fn chars_before(dom: &Dom, a: &Analysis, id: NodeId) -> u32 {
    let mut n = 0;
    let mut s = dom.node(id).prev;
    while s != NONE {
        n += match &dom.node(s).data {
            NodeData::Text(t) => dom
                .str(*t)
                .chars()
                .filter(|c| !super::text::is_space(*c))
                .count() as u32,
            NodeData::Element { .. } => a.chars[s as usize],
            _ => 0,
        };
        s = dom.node(s).prev;
    }
    n
}

/// A short copyright or picture-credit line ("© Reuters / Name", "Copyright 2024 ...").
fn is_credit_line(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('©')
        || t.starts_with("(c)")
        || t.starts_with("(C)")
        || t.get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("copyright"))
}

/// Pass 3: block values summed up the tree.
fn score(dom: &Dom, body: NodeId, max_depth: usize, a: &mut Analysis) {
    let mut stack: Vec<(NodeId, usize, bool)> = vec![(body, 0, false)];
    while let Some((id, depth, exiting)) = stack.pop() {
        let node = dom.node(id);
        let Some(tag) = dom.tag(id) else {
            continue;
        };
        let i = id as usize;
        if exiting {
            // Own text of a block: its characters minus those of block children.
            if tag.is_block() || id == body {
                let mut own = a.chars[i] as f32;
                let mut own_links = a.link_chars[i] as f32;
                let mut own_punct = a.punct[i] as f32;
                let mut c = node.first_child;
                while c != NONE {
                    if let Some(ct) = dom.tag(c)
                        && (ct.is_block() || a.removed[c as usize])
                    {
                        own -= a.chars[c as usize] as f32;
                        own_links -= a.link_chars[c as usize] as f32;
                        own_punct -= a.punct[c as usize] as f32;
                    }
                    c = dom.node(c).next;
                }
                a.score[i] += block_value(tag, own.max(0.0), own_links.max(0.0), own_punct);
            }
            if id != body && node.parent != NONE {
                let s = a.score[i];
                a.score[node.parent as usize] += s;
            }
            continue;
        }
        if id != body && (a.removed[i] || tag.is_invisible() || a.hidden(dom, id)) {
            continue;
        }
        stack.push((id, depth, true));
        if depth < max_depth {
            let mut c = node.last_child;
            while c != NONE {
                if dom.tag(c).is_some() {
                    stack.push((c, depth + 1, false));
                }
                c = dom.node(c).prev;
            }
        }
    }
}

/// The value of one text block.
fn block_value(tag: Tag, chars: f32, links: f32, punct: f32) -> f32 {
    if chars <= 0.0 {
        return 0.0;
    }
    if tag.is_heading() {
        return 0.0;
    }
    let plain = chars - links;
    let sentence_like = punct >= 1.0 && chars >= 25.0;
    if sentence_like {
        plain - 1.5 * links
    } else {
        -0.1 * plain - links
    }
}

/// True for elements marked as the article body by semantics.
fn is_semantic_content(dom: &Dom, id: NodeId, tag: Tag) -> bool {
    if matches!(tag, Tag::Article | Tag::Main) {
        return true;
    }
    dom.attr(id, "itemprop")
        .is_some_and(|v| v.contains("articleBody"))
        || dom
            .attr(id, "role")
            .is_some_and(|v| v.eq_ignore_ascii_case("main"))
}

/// True when the page declares itself a discussion (schema.org `DiscussionForumPosting`,
/// `QAPage` or `Question`, as microdata or JSON-LD): its replies are then content.
pub fn is_thread(dom: &Dom, max_depth: usize) -> bool {
    const TYPES: [&str; 3] = ["DiscussionForumPosting", "QAPage", "schema.org/Question"];
    let mut found = false;
    dom.walk(ROOT, max_depth, &mut |id, _| {
        if found {
            return false;
        }
        match dom.tag(id) {
            Some(Tag::Script) => {
                if dom
                    .attr(id, "type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
                {
                    let text = render::text_content(dom, id, 2);
                    found = TYPES[..2].iter().any(|t| text.contains(t))
                        || text.contains("\"Question\"");
                }
                false
            }
            Some(_) => {
                if let Some(t) = dom.attr(id, "itemtype") {
                    found = TYPES.iter().any(|k| t.contains(k));
                }
                true
            }
            None => false,
        }
    });
    found
}

/// Runs the three passes. With `respect_hidden`, elements hidden by their attributes are left
/// out (some pages hide their server-rendered content until a script shows it).
pub fn analyse(dom: &Dom, max_depth: usize, respect_hidden: bool) -> Analysis {
    analyse_as(dom, max_depth, respect_hidden, is_thread(dom, max_depth))
}

/// [`analyse`] with the page taken as a discussion thread (its comments are content) or not,
/// whatever it declares.
pub fn analyse_as(dom: &Dom, max_depth: usize, respect_hidden: bool, thread: bool) -> Analysis {
    let n = dom.nodes.len();
    let body = dom.find_first(Tag::Body, max_depth).unwrap_or(ROOT);
    let mut a = Analysis {
        chars: vec![0; n],
        link_chars: vec![0; n],
        punct: vec![0; n],
        letters: vec![0; n],
        prose: vec![0; n],
        removed: vec![false; n],
        reason: vec![0; n],
        score: vec![0.0; n],
        body,
        respect_hidden,
        thread,
    };
    measure(dom, body, max_depth, &mut a);
    a.thread = thread;
    mark(dom, body, max_depth, thread, &mut a);
    score(dom, body, max_depth, &mut a);
    a
}

/// Picks the main-content element: the highest score, semantic containers favoured.
pub fn choose(dom: &Dom, a: &Analysis, max_depth: usize) -> NodeId {
    let mut scored: Vec<(NodeId, f32)> = Vec::new();
    let mut best_score = f32::MIN;
    dom.walk(a.body, max_depth, &mut |id, _| {
        let Some(tag) = dom.tag(id) else {
            return false;
        };
        if a.removed[id as usize] || tag.is_invisible() {
            return false;
        }
        let mut s = a.score[id as usize];
        if s > 0.0 && is_semantic_content(dom, id, tag) {
            s *= 1.15;
        }
        if s > 0.0 {
            scored.push((id, s));
        }
        best_score = best_score.max(s);
        true
    });
    // Of the elements within a few percent of the best score, the smallest: what an ancestor
    // adds to it is then mostly marginal text (a bio, a caption).
    let best_chars = scored
        .iter()
        .find(|(_, s)| *s >= best_score)
        .map_or(0, |(id, _)| a.chars[*id as usize]);
    scored
        .iter()
        .filter(|(id, s)| *s >= NEAR_BEST * best_score && a.chars[*id as usize] * 2 >= best_chars)
        .min_by_key(|(id, _)| a.chars[*id as usize])
        .map_or(a.body, |(id, _)| *id)
}

/// Widens a small chosen element to the page's `<main>` (or `role=main`) landmark around it:
/// landing and service pages spread their content over many sections of similar weight, and
/// their `<main>` holds just those.
pub fn widen_to_main(dom: &Dom, a: &Analysis, root: NodeId) -> NodeId {
    let mut p = dom.node(root).parent;
    while p != NONE && p != a.body {
        let is_main = dom.tag(p) == Some(Tag::Main)
            || dom
                .attr(p, "role")
                .is_some_and(|r| r.eq_ignore_ascii_case("main"));
        if is_main {
            let (rc, mc) = (a.chars[root as usize], a.chars[p as usize]);
            let ml = a.link_chars[p as usize];
            if (rc as f32) < WIDEN_BELOW * mc as f32 && (ml as f32) < 0.5 * mc as f32 {
                return p;
            }
            break;
        }
        p = dom.node(p).parent;
    }
    root
}

/// A chosen element with less than this share of its `<main>`'s text is widened to it.
const WIDEN_BELOW: f32 = 0.5;

/// Share of the best score an element needs to be considered instead of the best.
const NEAR_BEST: f32 = 0.8;

/// Renders the main content under `root`, skipping boilerplate and link-list blocks.
pub fn render_main(dom: &Dom, a: &Analysis, root: NodeId, max_depth: usize, out: &mut TextBuilder) {
    let linky_page = is_linky(a, root);
    let skip = |id: NodeId| main_skips(dom, a, root, linky_page, id);
    render::render_into(dom, root, max_depth, &skip, out);
}

/// True when the links hold most of the text under `root`: [`main_skips`] then keeps
/// link-list blocks (the page is a list of links).
pub(crate) fn is_linky(a: &Analysis, root: NodeId) -> bool {
    let root_chars = a.chars[root as usize].max(1) as f32;
    (a.link_chars[root as usize] as f32) > 0.5 * root_chars
}

/// True when [`render_main`] leaves out the element `id` (and its subtree) under `root`:
/// boilerplate, hidden elements, lone numbers and link lists.
pub(crate) fn main_skips(
    dom: &Dom,
    a: &Analysis,
    root: NodeId,
    linky_page: bool,
    id: NodeId,
) -> bool {
    let i = id as usize;
    if a.removed[i] || a.hidden(dom, id) {
        return true;
    }
    if linky_page {
        return false;
    }
    let Some(tag) = dom.tag(id) else {
        return false;
    };
    if !tag.is_block() || tag.is_heading() {
        return false;
    }
    // A lone number outside a table (a view count, an id).
    if a.letters[i] == 0
        && a.chars[i] <= 20
        && !matches!(
            tag,
            Tag::Td | Tag::Th | Tag::Tr | Tag::Li | Tag::Dd | Tag::Dt
        )
    {
        return true;
    }
    let root_chars = a.chars[root as usize].max(1) as f32;
    let c = a.chars[i] as f32;
    let l = a.link_chars[i] as f32;
    c > 0.0 && l > 0.6 * c && c < 0.5 * root_chars
}

#[cfg(test)]
mod tests {
    use super::super::dom::Limits;
    use super::*;

    fn main_text(html: &str) -> String {
        let dom = Dom::parse(html, &Limits::default());
        let a = analyse(&dom, 256, true);
        let root = widen_to_main(&dom, &a, choose(&dom, &a, 256));
        let mut b = TextBuilder::new();
        render_main(&dom, &a, root, 256, &mut b);
        b.finish()
    }

    const PARA: &str = "This is a real paragraph of the article, with a sentence, and another one.";

    #[test]
    fn drops_navigation_sidebar_footer_and_comments() {
        let html = format!(
            "<body><nav><a href=/>Home</a> <a href=/a>About</a></nav>\
             <div class=content><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>\
             <aside><h3>Popular</h3><ul><li><a href=/x>Other story</a></li></ul></aside>\
             <div id=comments><p>Great post, thanks for writing it all down for us.</p></div>\
             <footer>Copyright Example Inc</footer></body>"
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 3, "{t}");
        for junk in ["Home", "Popular", "Other story", "Great post", "Copyright"] {
            assert!(!t.contains(junk), "{junk} leaked: {t}");
        }
    }

    #[test]
    fn label_boxes_are_dropped_with_their_links() {
        let html = format!(
            "<body><article><p>{PARA}</p><p>{PARA}</p>\
             <div><h4>اقرأ أيضا</h4><ul><li><a href=/1>خبر آخر عن شيء</a></li>\
             <li><a href=/2>خبر ثالث عن شيء</a></li></ul></div>\
             <div class=x><span>شارك هذا:</span><a href=#>فيسبوك</a><a href=#>تويتر</a></div>\
             </article></body>"
        );
        let t = main_text(&html);
        for junk in ["اقرأ أيضا", "خبر آخر", "شارك", "فيسبوك"] {
            assert!(!t.contains(junk), "{junk} leaked: {t}");
        }
        assert_eq!(t.matches("This is a real paragraph").count(), 2);
    }

    #[test]
    fn a_wrapper_named_like_boilerplate_is_kept_when_it_holds_the_page() {
        let html = format!(
            "<body><div class='layout-with-sidebar sidebar-page'><p>{PARA}</p><p>{PARA}</p></div>\
             <div class=sidebar><a href=/>Link</a></div></body>"
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 2, "{t}");
        assert!(!t.contains("Link"));
    }

    #[test]
    fn discussion_threads_keep_their_replies() {
        let reply = "I had the same problem with my router and a firmware update fixed it for me.";
        let html = format!(
            "<body itemscope itemtype='https://schema.org/DiscussionForumPosting'>\
             <div class=question><p>{PARA}</p></div>\
             <div class=comments><div class=comment><p>{reply}</p></div>\
             <div class=comment><p>{reply}</p></div></div></body>"
        );
        let t = main_text(&html);
        assert_eq!(t.matches("I had the same problem").count(), 2, "{t}");
    }

    #[test]
    fn link_lists_inside_the_content_are_dropped() {
        let html = format!(
            "<body><article><p>{PARA}</p><ul><li><a href=/1>First related link</a></li>\
             <li><a href=/2>Second related link</a></li></ul><p>{PARA}</p></article></body>"
        );
        let t = main_text(&html);
        assert!(!t.contains("related link"), "{t}");
        assert_eq!(t.matches("This is a real paragraph").count(), 2);
    }

    #[test]
    fn an_accordion_named_like_a_menu_keeps_its_answers() {
        let html = format!(
            "<body><nav><a href=/>Home</a> <a href=/a>About</a></nav><main><h1>FAQ</h1>\
             <div role=tablist class=faq-menu><h3>Is it safe?</h3><p>{PARA}</p>\
             <h3>Does it cost?</h3><p>{PARA}</p><h3>Where?</h3><p>{PARA}</p></div></main>\
             <div class=menu><a href=/x>One</a> <a href=/y>Two</a></div></body>"
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 3, "{t}");
        assert!(t.contains("Does it cost?") && !t.contains("Two"), "{t}");
    }

    #[test]
    fn a_consent_dialog_goes_however_long_it_is() {
        let html = format!(
            "<body><div id=consent-sdk><div role=dialog><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p>\
             </div></div><div class=list><h2>Tomato sauces</h2><p>Our sauces, for every dish.</p>\
             <ul><li>Pork ragù</li><li>Meatballs</li></ul></div></body>"
        );
        let t = main_text(&html);
        assert!(!t.contains("This is a real paragraph"), "{t}");
        assert!(t.contains("Meatballs"), "{t}");
    }

    #[test]
    fn teasers_keep_their_headers_and_screen_reader_hidden_summaries() {
        let teaser = "<article><header><h2><a href=/a>Beats get new colours</a></h2></header>\
                      <p><a href=/a aria-hidden=true>Walmart now has the Beats in new colours, \
                      which were not offered before.</a></p></article>";
        let html = format!(
            "<body><header><a href=/>Site</a></header><div class=river>{}</div></body>",
            teaser.repeat(3)
        );
        let t = main_text(&html);
        assert_eq!(t.matches("Beats get new colours").count(), 3, "{t}");
        assert_eq!(t.matches("Walmart now has").count(), 3, "{t}");
    }

    #[test]
    fn a_note_aside_inside_the_article_stays_a_sidebar_outside_goes() {
        let html = format!(
            "<body><article><p>{PARA}</p><aside class=note><p>A note on devices. The disk \
             needs no encryption of its own, as the whole system already has it.</p></aside>\
             <p>{PARA}</p></article><aside><p>About the author of this blog, a person who \
             writes. She lives in a town.</p><a href=/x>More</a></aside></body>"
        );
        let t = main_text(&html);
        assert!(t.contains("A note on devices"), "{t}");
        assert!(!t.contains("About the author"), "{t}");
    }

    #[test]
    fn a_long_comment_section_goes_when_an_article_precedes_it() {
        let reply = "<li class=comment><p>Thanks for this, I tried it in my garden and it worked \
                     well. The aphids were gone within a week, and so were the beetles.</p></li>";
        let html = format!(
            "<body><main><article><h1>Pest spray</h1>{}</article>\
             <ol class=comment-list>{}</ol></main></body>",
            format!("<p>{PARA}</p>").repeat(20),
            reply.repeat(40)
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 20, "{t}");
        assert!(!t.contains("aphids"), "{t}");
    }

    #[test]
    fn a_hero_banner_with_text_is_content() {
        let html = format!(
            "<body><div class='hero banner'><h2>Repairs for gyms</h2><p>{PARA}</p></div>\
             <div class=section><p>{PARA}</p></div><div class=promo><a href=/s>Sale!</a></div></body>"
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 2, "{t}");
        assert!(!t.contains("Sale"), "{t}");
    }

    #[test]
    fn a_grid_of_other_products_under_a_related_label_goes_without_links() {
        let tile = "<li><h3>Another ceramic mug in blue</h3><span>Private seller</span>\
                    <span>$23.51 delivery</span></li>";
        let html = format!(
            "<body><main><h1>Stoneware mug</h1>{}\
             <div class=x><div><h2>People who viewed this item also viewed</h2></div>\
             <ul>{}</ul></div></main></body>",
            format!("<p>{PARA}</p>").repeat(20),
            tile.repeat(6)
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 20, "{t}");
        assert!(
            !t.contains("ceramic mug") && !t.contains("also viewed"),
            "{t}"
        );
    }

    #[test]
    fn streamed_segments_are_content_other_hidden_elements_are_not() {
        let html = format!(
            "<body><div id=shell>Loading</div><div hidden id=\"S:0\"><article><p>{PARA}</p>\
             <p>{PARA}</p></article></div><div hidden id=drawer><p>A hidden drawer of the \
             page, with a sentence that nobody sees.</p></div></body>"
        );
        let t = main_text(&html);
        assert_eq!(t.matches("This is a real paragraph").count(), 2, "{t}");
        assert!(!t.contains("hidden drawer"), "{t}");
    }

    #[test]
    fn closed_tabs_and_accordion_answers_are_content() {
        let html = format!(
            "<body><main><h1>Fire pit</h1><p>{PARA}</p><div role=tablist><button>Specs</button>\
             </div><div role=tabpanel hidden><p>Height 39 cm, width 62 cm, weight 11 kg, made \
             of stainless steel.</p></div><div class='faq-answer' style='display: none'><p>Yes, \
             it burns wood pellets as well as logs of any kind.</p></div>\
             <div class=drawer style='display:none'><p>A closed drawer of the page, with a \
             sentence that nobody sees.</p></div></main></body>"
        );
        let t = main_text(&html);
        assert!(
            t.contains("Height 39 cm") && t.contains("wood pellets"),
            "{t}"
        );
        assert!(!t.contains("closed drawer"), "{t}");
    }

    #[test]
    fn a_table_with_a_sticky_header_is_not_the_page_header() {
        let rows: String = (1901..1911)
            .map(|y| {
                format!(
                    "<tr><th>{y}</th><td>Physics</td><td><a href=/p{y}>Laureate {y}</a> (Germany)</td></tr>"
                )
            })
            .collect();
        let html = format!(
            "<body><main><h1>List of laureates</h1>{}\
             <table class='wikitable sticky-header'><tbody>{rows}</tbody></table></main></body>",
            format!("<p>{PARA}</p>").repeat(8)
        );
        let t = main_text(&html);
        assert!(
            t.contains("1901\tPhysics\tLaureate 1901 (Germany)") && t.contains("Laureate 1910"),
            "{t}"
        );
    }

    #[test]
    fn text_counts_by_table_agree_with_unicode_properties() {
        let by_properties = |t: &str| {
            let (mut n, mut p, mut l, mut ends) = (0, 0, 0, false);
            for c in t.chars() {
                if !super::super::text::is_space(c) && !super::super::text::is_invisible_control(c)
                {
                    n += 1;
                    if is_sentence_punct(c) {
                        p += 1;
                        ends |= is_sentence_end(c);
                    } else if c.is_alphabetic() {
                        l += 1;
                    }
                }
            }
            (n, p, l, ends)
        };
        let all_ascii: String = (0u8..128).map(char::from).collect();
        for t in [
            all_ascii.as_str(),
            "Hello, world! Is it 3:45?",
            "قال الوزير، إن المحادثات؟ كانت مثمرة.",
            "a\u{00A0}b\u{200B}c\u{FEFF}d\u{0085}e\u{3000}。，",
            "",
            "\t\n\r \x0b\x0c\x7f\x1f",
        ] {
            let c = count_text(t);
            assert_eq!((c.n, c.p, c.l, c.ends), by_properties(t), "{t:?}");
        }
        // Every character of the block the Arabic table answers, alone and in a run.
        let block: String = ('\u{0600}'..='\u{06FF}').collect();
        for t in block
            .chars()
            .map(String::from)
            .chain([block.clone(), format!("a{block}\u{00A0}{block}")])
        {
            let c = count_text(&t);
            assert_eq!((c.n, c.p, c.l, c.ends), by_properties(&t), "{t:?}");
        }
    }

    #[test]
    fn credit_lines_and_lone_numbers_are_dropped() {
        let html = format!(
            "<body><article><p>{PARA}</p><div><span>© REUTERS / Some Photographer</span></div>\
             <div>17302</div><p>{PARA}</p></article></body>"
        );
        let t = main_text(&html);
        assert!(!t.contains("REUTERS") && !t.contains("17302"), "{t}");
    }
}

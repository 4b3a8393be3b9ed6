//! Renders a DOM subtree to block-structured text.

use super::dom::{Dom, NONE, NodeData, NodeId, Tag};
use super::text::{Break, TextBuilder};

/// The separation a tag asks for around its content.
pub fn break_of(tag: Tag) -> Break {
    match tag {
        Tag::Li | Tag::Tr | Tag::Dt | Tag::Dd | Tag::Br | Tag::Option | Tag::Caption => Break::Line,
        Tag::Td | Tag::Th => Break::Tab,
        Tag::Thead | Tag::Tbody | Tag::Tfoot => Break::Line,
        Tag::Img | Tag::Picture => Break::Space,
        t if t.is_block() => Break::Para,
        _ => Break::None,
    }
}

/// True when an element is hidden by its attributes (`hidden`, an inline `display:none` or
/// `visibility:hidden`). `aria-hidden` is not one: it hides from screen readers what sighted
/// readers see anyway (a teaser's summary linked like its title, an icon's label).
pub fn is_hidden(dom: &Dom, id: NodeId) -> bool {
    // Values are looked at only for the two names that matter (most elements have neither).
    for (name, value) in dom.attr_entries(id) {
        match &**name {
            "hidden"
                if !is_streamed_segment(dom.attributes(id))
                    && !is_disclosure_panel(dom.attributes(id)) =>
            {
                return true;
            }
            "style" if style_hides(dom.str(*value)) && !is_disclosure_panel(dom.attributes(id)) => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// True when an inline style holds `display:none` or `visibility:hidden`, with white space
/// anywhere ignored and in any ASCII case. The style is read as a stream of its non-space
/// characters through a window as long as the longer declaration, without a copy: this runs
/// for every element with a `style` attribute, in several passes.
fn style_hides(style: &str) -> bool {
    const NONE: &[u8] = b"display:none";
    const HIDDEN: &[u8; 17] = b"visibility:hidden";
    if memchr::memchr(b':', style.as_bytes()).is_none() {
        return false;
    }
    let mut window = [0u8; 17];
    let mut seen = 0usize;
    let mut utf8 = [0u8; 4];
    for c in style.chars() {
        if c.is_whitespace() {
            continue;
        }
        for &byte in c.to_ascii_lowercase().encode_utf8(&mut utf8).as_bytes() {
            window.copy_within(1.., 0);
            window[16] = byte;
            seen += 1;
            if (seen >= NONE.len() && window[17 - NONE.len()..] == *NONE)
                || (seen >= HIDDEN.len() && window == *HIDDEN)
            {
                return true;
            }
        }
    }
    false
}

/// True for a segment of a page streamed by server-side rendering (React's
/// `<div hidden id="S:0">`): it is hidden only until the page's own script moves it in place of
/// its loading placeholder, so it is the page's content.
fn is_streamed_segment<'a>(mut attrs: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    attrs.any(|(name, value)| {
        name == "id"
            && value
                .strip_prefix("S:")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Class words of a panel that the reader opens in place (an accordion, a tab, a collapsed
/// answer).
const PANEL_WORDS: &[&str] = &[
    "accordion",
    "collapse",
    "collapsible",
    "tabpanel",
    "pane",
    "faq",
    "answer",
    "expandable",
];

/// True for a panel hidden until the reader opens it (a tab panel, an accordion section, a
/// collapsed answer): what it hides is part of the page a reader sees, so it is not hidden for
/// extraction. Menus, dialogs and banners that are hidden stay hidden.
fn is_disclosure_panel<'a>(attrs: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    let mut labelled = false;
    let mut region = false;
    for (name, value) in attrs {
        match name {
            "role" if value.eq_ignore_ascii_case("tabpanel") => return true,
            "role" if value.eq_ignore_ascii_case("region") => region = true,
            "aria-labelledby" => labelled = true,
            "class" => {
                let lower = value.to_ascii_lowercase();
                if lower
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| PANEL_WORDS.contains(&w))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    region && labelled
}

/// Renders the text under `root` into `out`, skipping invisible elements and every element
/// for which `skip` returns true (callers use it for hidden elements and boilerplate). Traversal is iterative and stops at `max_depth`.
pub fn render_into(
    dom: &Dom,
    root: NodeId,
    max_depth: usize,
    skip: &dyn Fn(NodeId) -> bool,
    out: &mut TextBuilder,
) {
    // (node, depth, exiting, pre)
    let mut stack: Vec<(NodeId, usize, bool, bool)> = vec![(root, 0, false, false)];
    while let Some((id, depth, exiting, pre)) = stack.pop() {
        let node = dom.node(id);
        if exiting {
            if let NodeData::Element { tag, .. } = &node.data {
                out.brk(break_of(*tag));
            }
            continue;
        }
        let mut pre_here = pre;
        match &node.data {
            NodeData::Text(t) => {
                out.push(dom.str(*t), pre);
                continue;
            }
            NodeData::Other => continue,
            NodeData::Document => {}
            NodeData::Element { tag, .. } => {
                let tag = *tag;
                if id != root && (tag.is_invisible() || skip(id)) {
                    continue;
                }
                if tag == Tag::Br {
                    out.brk(Break::Line);
                    continue;
                }
                out.brk(break_of(tag));
                if tag == Tag::Pre {
                    pre_here = true;
                }
                stack.push((id, depth, true, pre));
            }
        }
        if depth >= max_depth {
            continue;
        }
        let mut child = node.last_child;
        while child != NONE {
            stack.push((child, depth + 1, false, pre_here));
            child = dom.node(child).prev;
        }
    }
}

/// Renders the text under `root` as a string (see [`render_into`]).
pub fn render(dom: &Dom, root: NodeId, max_depth: usize, skip: &dyn Fn(NodeId) -> bool) -> String {
    let mut b = TextBuilder::new();
    render_into(dom, root, max_depth, skip, &mut b);
    b.finish()
}

/// The raw text content under `id` (all text nodes, no filtering), for short elements such as
/// `<title>` or `<time>`.
pub fn text_content(dom: &Dom, id: NodeId, max_depth: usize) -> String {
    let mut s = String::new();
    dom.walk(id, max_depth, &mut |n, _| {
        if let Some(t) = dom.text(n) {
            s.push_str(t);
        }
        true
    });
    s
}

#[cfg(test)]
mod tests {
    use super::super::dom::{Limits, ROOT};
    use super::*;

    fn visible(html: &str) -> String {
        let dom = Dom::parse(html, &Limits::default());
        render(&dom, ROOT, 256, &|id| is_hidden(&dom, id))
    }

    #[test]
    fn blocks_lists_tables() {
        let t = visible(
            "<html><head><title>T</title><style>p{}</style></head><body>\
             <h1>Head</h1><p>One <b>two</b>&amp; three</p><ul><li>a</li><li>b</li></ul>\
             <table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>\
             <script>var a;</script><noscript>ns</noscript><p>line<br>break</p></body></html>",
        );
        // <noscript> content is text: some sites put their server-rendered page there.
        assert_eq!(
            t,
            "Head\n\nOne two& three\n\na\nb\n\nx\ty\nz\n\nns\n\nline\nbreak"
        );
    }

    #[test]
    fn hidden_elements_are_skipped() {
        let t = visible("<p>shown</p><div hidden>no</div><div style='display: none'>no</div>");
        assert_eq!(t, "shown");
    }

    #[test]
    fn styles_that_hide_in_any_spacing_and_case() {
        // The definition: white space dropped, ASCII lower-cased, then a substring search.
        let by_definition = |s: &str| {
            let v: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            v.contains("display:none") || v.contains("visibility:hidden")
        };
        for style in [
            "display:none",
            "DISPLAY : NONE",
            "color: red; display:\tnone !important",
            "dis play:no\u{a0}ne",
            "dis\u{2003}play:none",
            "visibility: hidden",
            "Visibility:Hidden;",
            "visibility:visible",
            "display:block",
            "display:nonE",
            "émoji é display:none",
            "display:non",
            "isplay:none",
            "ibility:hidden",
            "",
            ":",
            "width:100%",
            "font-family:'İstanbul';display:none",
        ] {
            assert_eq!(style_hides(style), by_definition(style), "{style:?}");
        }
    }
}

//! The reference parser: html5ever (a conforming HTML parser) building the same arena
//! [`Dom`] as [`crate::html::parse`]. nahr parsed pages with it before it had its own parser;
//! it stays as the oracle that tests and benchmarks compare the own parser with, and is not
//! used by any stage.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns, parse_document};

use crate::extract::dom::{
    self, Attr, AttrRange, Dom, Limits, NONE, Node, NodeData, NodeId, ROOT, Span, Tag,
};

/// Parses `html` with html5ever (scripting off, as nahr's parser) within `limits`: the page is
/// cut at the byte limit and at the nesting depth where html5ever's tree builder would turn
/// slow (see [`nesting_cut`]).
pub fn parse(html: &str, limits: &Limits) -> Dom {
    let mut cut = super::cut_at(html, limits.max_bytes);
    if let Some(deep) = nesting_cut(&html[..cut], limits.max_depth.saturating_mul(20)) {
        cut = deep;
    }
    let sink = Sink {
        nodes: RefCell::new(vec![Node::new(NodeData::Document)]),
        strings: RefCell::new(String::new()),
        attrs: RefCell::new(Vec::new()),
        max_nodes: limits.max_nodes.max(1),
        overflow: Cell::new(false),
    };
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut dom = parse_document(sink, opts).one(StrTendril::from(&html[..cut]));
    if cut < html.len() {
        dom.truncated = true;
    }
    dom
}

/// Elements that never hold children, and those whose end tag is optional (the parser closes
/// them itself, so they do not nest deeply); neither counts as opening a level.
fn opens_no_level(name: &[u8]) -> bool {
    const NAMES: &[&[u8]] = &[
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"option",
        b"td",
        b"th",
        b"tr",
        b"dt",
        b"dd",
        b"!doctype",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Where to cut `html` so that at most `max_open` elements are open at once, counted roughly
/// from the tags. html5ever's tree builder slows down sharply on very deep nesting (tens of
/// thousands of levels), so input past that point is not parsed. `None` when no cut is needed.
pub fn nesting_cut(html: &str, max_open: usize) -> Option<usize> {
    let b = html.as_bytes();
    let mut open = 0usize;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        i = start + 1;
        if b[i..].starts_with(b"!--") {
            match html[i..].find("-->") {
                Some(end) => i += end + 3,
                None => return None,
            }
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'!' || **c == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = &b[name_start..name_start + name_len];
        let gt = b[name_start..].iter().position(|&c| c == b'>')?;
        let tag_end = name_start + gt;
        i = tag_end + 1;
        if closing {
            open = open.saturating_sub(1);
            continue;
        }
        if b[..tag_end].ends_with(b"/") || opens_no_level(name) {
            continue;
        }
        // Raw-text elements: skip to their end tag so that markup-like script text is ignored.
        for raw in [&b"script"[..], b"style", b"textarea", b"title", b"xmp"] {
            if name.eq_ignore_ascii_case(raw) {
                let close = format!("</{}", std::str::from_utf8(raw).unwrap_or(""));
                match find_ci(&html[i..], &close) {
                    Some(end) => i += end,
                    None => return None,
                }
            }
        }
        open += 1;
        if open > max_open {
            return Some(start);
        }
    }
    None
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The tree builder's handle: the node index plus the element name, so that `elem_name` needs
/// no borrow of the arena.
#[derive(Clone)]
struct Handle {
    id: NodeId,
    name: QualName,
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    strings: RefCell<String>,
    attrs: RefCell<Vec<Attr>>,
    max_nodes: usize,
    overflow: Cell<bool>,
}

fn empty_name() -> QualName {
    QualName::new(None, ns!(), local_name!(""))
}

impl Sink {
    fn new_node(&self, data: NodeData) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len() as NodeId;
        nodes.push(Node::new(data));
        id
    }

    /// Whether text under `parent` is left out, as nahr's parser leaves it out
    /// ([`super::drops_raw_text`]): `parent` is an HTML `style` or non-JSON-LD `script`.
    fn drops_text_of(&self, parent: NodeId) -> bool {
        let nodes = self.nodes.borrow();
        match &nodes[parent as usize].data {
            NodeData::Element {
                tag: Tag::Script | Tag::Style,
                name,
                attrs,
            } => super::drops_raw_text(
                name,
                attrs.get(&self.attrs.borrow()),
                &self.strings.borrow(),
            ),
            _ => false,
        }
    }

    fn detached(&self) -> bool {
        self.nodes.borrow().len() > self.max_nodes
    }

    fn append_text_to(&self, parent: NodeId, text: StrTendril) {
        if self.drops_text_of(parent) {
            return;
        }
        let mut nodes = self.nodes.borrow_mut();
        let last = nodes[parent as usize].last_child;
        if last != NONE
            && let NodeData::Text(t) = &mut nodes[last as usize].data
        {
            t.extend(&mut self.strings.borrow_mut(), &text);
            return;
        }
        drop(nodes);
        if self.detached() {
            self.overflow.set(true);
            return;
        }
        let text = Span::push(&mut self.strings.borrow_mut(), &text);
        let id = self.new_node(NodeData::Text(text));
        dom::append_child(&mut self.nodes.borrow_mut(), parent, id);
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Dom;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Dom {
        Dom {
            truncated: self.overflow.get(),
            nodes: self.nodes.into_inner(),
            strings: self.strings.into_inner(),
            attrs: self.attrs.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle {
            id: ROOT,
            name: empty_name(),
        }
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        &target.name
    }

    fn create_element(
        &self,
        name: QualName,
        attrs: Vec<Attribute>,
        _flags: ElementFlags,
    ) -> Handle {
        let tag = if name.ns == ns!(html) {
            Tag::of(&name.local)
        } else if name.local == local_name!("svg") {
            Tag::Svg
        } else if name.local == local_name!("math") {
            Tag::Math
        } else {
            Tag::Other
        };
        let mut list = self.attrs.borrow_mut();
        let start = list.len();
        for a in attrs {
            list.push((
                Cow::Owned(a.name.local.to_string()),
                Span::push(&mut self.strings.borrow_mut(), kept_value(&a)),
            ));
        }
        let attrs = AttrRange {
            start,
            end: list.len(),
        };
        drop(list);
        let id = self.new_node(NodeData::Element {
            tag,
            name: Cow::Owned(name.local.to_string()),
            attrs,
        });
        Handle { id, name }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        Handle {
            id: self.new_node(NodeData::Other),
            name: empty_name(),
        }
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Handle {
            id: self.new_node(NodeData::Other),
            name: empty_name(),
        }
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(h) => {
                if self.detached() {
                    self.overflow.set(true);
                    return;
                }
                dom::append_child(&mut self.nodes.borrow_mut(), parent.id, h.id);
            }
            NodeOrText::AppendText(text) => self.append_text_to(parent.id, text),
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let has_parent = self.nodes.borrow()[element.id as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        // Template contents are never page text: the template element itself stands in.
        target.clone()
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        match new_node {
            NodeOrText::AppendNode(h) => {
                dom::insert_before(&mut self.nodes.borrow_mut(), sibling.id, h.id);
            }
            NodeOrText::AppendText(text) => {
                let mut nodes = self.nodes.borrow_mut();
                let prev = nodes[sibling.id as usize].prev;
                if prev != NONE
                    && let NodeData::Text(t) = &mut nodes[prev as usize].data
                {
                    t.extend(&mut self.strings.borrow_mut(), &text);
                    return;
                }
                drop(nodes);
                if self.detached() {
                    self.overflow.set(true);
                    return;
                }
                let text = Span::push(&mut self.strings.borrow_mut(), &text);
                let id = self.new_node(NodeData::Text(text));
                dom::insert_before(&mut self.nodes.borrow_mut(), sibling.id, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeData::Element { attrs: have, .. } = &mut nodes[target.id as usize].data {
            let mut list = self.attrs.borrow_mut();
            let mut merged: Vec<Attr> = have.get(&list).to_vec();
            for a in attrs {
                if !merged.iter().any(|(n, _)| **n == *a.name.local) {
                    merged.push((
                        Cow::Owned(a.name.local.to_string()),
                        Span::push(&mut self.strings.borrow_mut(), kept_value(&a)),
                    ));
                }
            }
            let start = list.len();
            list.extend(merged);
            *have = AttrRange {
                start,
                end: list.len(),
            };
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        dom::detach(&mut self.nodes.borrow_mut(), target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut nodes = self.nodes.borrow_mut();
        let mut child = nodes[node.id as usize].first_child;
        while child != NONE {
            let next = nodes[child as usize].next;
            dom::append_child(&mut nodes, new_parent.id, child);
            child = next;
        }
    }
}

/// The value of `a` as the tree keeps it ([`super::keeps_attribute_value`]).
fn kept_value(a: &Attribute) -> &str {
    match super::keeps_attribute_value(&a.name.local, a.value.len()) {
        true => &a.value,
        false => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_prescan() {
        let deep = format!("{}x", "<div>".repeat(100));
        assert_eq!(nesting_cut(&deep, 50), Some(50 * 5));
        let flat = "<p>a<p>b<br><img src=x><div></div>".repeat(100);
        assert_eq!(nesting_cut(&flat, 50), None);
        let script = format!("<script>{}</script><div>", "<div>".repeat(100));
        assert_eq!(nesting_cut(&script, 50), None);
    }
}

//! The learned block scorer: a second opinion on every text block of the page.
//!
//! A *block* is a block-level element (or the body) with text of its own: the text nodes whose
//! nearest block-level ancestor it is. After the heuristic has chosen the main content
//! ([`super::content`]), every block of the body gets a row of generic features: its length,
//! link density, punctuation and letters; its tag, depth and position in the page; the
//! boilerplate kinds its ancestors are named for ([`super::vocab`]); whether the heuristic kept
//! it, and whether it lies before, inside or after the chosen element; the label of the
//! nearest heading before it ("Reviews", "اقرأ أيضا"). A small boosted-tree model
//! ([`super::gbt`], trained on WCXB dev by `nahr train-blocks`) gives the probability that the
//! block belongs to the main content, and the page is rendered with the blocks it keeps.
//!
//! The walk is one bounded, iterative pass; per page it allocates the feature rows and a keep
//! mask, nothing per block.

use super::content::{self, Analysis};
use super::dom::{Dom, NONE, NodeData, NodeId, Tag};
use super::gbt::Forest;
use super::render::{self, break_of};
use super::text::{self, Break, TextBuilder};
use super::vocab::{self, Kinds};

/// Number of features of a block.
pub const N_FEATURES: usize = 73;

/// The learned block scorer: the trees and the decision rule.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockModel {
    /// The boosted trees, giving each block's probability of being main content.
    pub forest: Forest,
    /// A block the heuristic kept stays when its (smoothed) probability is above this.
    pub keep_above: f32,
    /// A block the heuristic left out is added when its (smoothed) probability is above this.
    pub add_above: f32,
    /// Weight of the mean probability of the block's group (blocks with the same
    /// [`signature`]) in its smoothed probability: list items and posts are decided together.
    pub group_weight: f32,
    /// The heuristic's text is kept when the blocks accepted hold fewer words than this share
    /// of it: a model that drops most of what the heuristic chose is more often wrong than
    /// right.
    pub min_share: f32,
}

impl BlockModel {
    /// The model as text: the decision rule, then the trees ([`Forest::to_text`]).
    pub fn to_text(&self) -> String {
        format!(
            "keep_above {}\nadd_above {}\ngroup_weight {}\nmin_share {}\n{}",
            self.keep_above,
            self.add_above,
            self.group_weight,
            self.min_share,
            self.forest.to_text()
        )
    }

    /// Reads a model written by [`BlockModel::to_text`] (lines starting with `#` are
    /// comments) and checks it has this extractor's number of features.
    pub fn from_text(text: &str) -> Result<BlockModel, String> {
        let mut keep_above = None;
        let mut group_weight = None;
        let mut min_share = None;
        let mut add_above = None;
        let mut rest = String::new();
        let number = |v: &str, err: &'static str| v.trim().parse::<f32>().map_err(|_| err);
        for line in text.lines() {
            let t = line.trim();
            if let Some(v) = t.strip_prefix("keep_above ") {
                keep_above = Some(number(v, "block model: bad keep_above")?);
            } else if let Some(v) = t.strip_prefix("group_weight ") {
                group_weight = Some(number(v, "block model: bad group_weight")?);
            } else if let Some(v) = t.strip_prefix("add_above ") {
                add_above = Some(number(v, "block model: bad add_above")?);
            } else if let Some(v) = t.strip_prefix("min_share ") {
                min_share = Some(number(v, "block model: bad min_share")?);
            } else {
                rest.push_str(line);
                rest.push('\n');
            }
        }
        let forest = Forest::from_text(&rest)?;
        if forest.n_features != N_FEATURES {
            return Err(format!(
                "block model: {} features, the extractor computes {N_FEATURES}",
                forest.n_features
            ));
        }
        Ok(BlockModel {
            forest,
            keep_above: keep_above.ok_or("block model: no keep_above")?,
            add_above: add_above.ok_or("block model: no add_above")?,
            group_weight: group_weight.ok_or("block model: no group_weight")?,
            min_share: min_share.ok_or("block model: no min_share")?,
        })
    }
}

/// What the heuristic chose: the main-content element, or (`fallback`) the body less its
/// boilerplate.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    /// The chosen element.
    pub root: NodeId,
    /// True when the whole body less its boilerplate was returned instead of `root`.
    pub fallback: bool,
}

/// The blocks of one page with their features (and, for training, their own text).
#[derive(Debug, Default)]
pub struct PageBlocks {
    /// Element of each block.
    pub ids: Vec<NodeId>,
    /// Feature row of each block.
    pub features: Vec<[f32; N_FEATURES]>,
    /// Own text of each block (filled only when asked for).
    pub texts: Vec<String>,
    /// Structural signature of each block ([`signature`]).
    pub sigs: Vec<u64>,
    /// Reading-order position of each block.
    seqs: Vec<u32>,
}

/// Context inherited from the ancestors of a node.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    kinds: Kinds,
    positive: bool,
    removed: bool,
    reason: Kinds,
    under_root: bool,
    skipped: bool,
    semantic: bool,
    in_li: bool,
    in_table: bool,
    in_form: bool,
    in_link: bool,
    /// Index of the owning block in the stack of open blocks.
    owner: u32,
}

/// A block being read.
#[derive(Debug, Default)]
struct Open {
    id: NodeId,
    depth: usize,
    ctx: Ctx,
    start: u32,
    root_state: u8,
    chars: u32,
    links: u32,
    punct: u32,
    letters: u32,
    words: u32,
    ends: bool,
    /// Position of the block in reading order (order of entry).
    seq: u32,
    text: String,
}

/// Collects the blocks of the body with their features. `with_text` also keeps each block's
/// own text (for labelling training data).
pub fn collect(
    dom: &Dom,
    a: &Analysis,
    choice: Choice,
    max_depth: usize,
    with_text: bool,
) -> PageBlocks {
    let mut out = PageBlocks::default();
    let body = a.body;
    let root = if choice.fallback { body } else { choice.root };
    let linky = content::is_linky(a, root);
    let body_chars = a.chars[body as usize].max(1) as f32;
    let root_share = a.chars[root as usize] as f32 / body_chars;
    let body_links = a.link_chars[body as usize] as f32 / body_chars;
    let mut root_depth = 0usize;
    let mut root_state = 0u8;
    let mut last_label: Kinds = 0;
    let mut pos = 0u32;
    let mut entered = 0u32;
    let mut open: Vec<Open> = Vec::new();
    // (node, depth, exiting, context)
    let mut stack: Vec<(NodeId, usize, bool, Ctx)> = vec![(body, 0, false, Ctx::default())];
    while let Some((id, depth, exiting, ctx)) = stack.pop() {
        let node = dom.node(id);
        if exiting {
            if id == root {
                root_state = 2;
            }
            let is_block = id == body || dom.tag(id).is_some_and(|t| t.is_block());
            if !is_block {
                continue;
            }
            let Some(b) = open.pop() else {
                continue;
            };
            if b.chars == 0 {
                continue;
            }
            let tag = dom.tag(id).unwrap_or(Tag::Body);
            if b.chars <= 40 && b.links * 2 < b.chars {
                let k = vocab::label_kinds(&render::text_content(dom, id, 8));
                if k != 0 || tag.is_heading() {
                    last_label = k;
                }
            }
            let f = features(
                dom,
                a,
                &b,
                tag,
                root,
                root_depth,
                linky,
                choice.fallback,
                last_label,
                [root_share, body_chars, body_links],
            );
            out.ids.push(id);
            out.features.push(f);
            out.sigs.push(signature(dom, id));
            out.seqs.push(b.seq);
            if with_text {
                out.texts.push(b.text);
            }
            continue;
        }
        match &node.data {
            NodeData::Text(t) => {
                let t = dom.str(*t);
                let Some(b) = open.get_mut(ctx.owner as usize) else {
                    continue;
                };
                let mut in_word = false;
                let before = b.chars;
                for c in t.chars() {
                    let w = crate::chars::is_alphanumeric(c) || text::is_mark(c);
                    if w && !in_word {
                        b.words += 1;
                    }
                    in_word = w;
                    if text::is_space(c) || text::is_invisible_control(c) {
                        continue;
                    }
                    b.chars += 1;
                    if matches!(c, '.' | '!' | '?' | '؟' | '۔' | '。') {
                        b.punct += 1;
                        b.ends = true;
                    } else if matches!(c, ',' | ';' | ':' | '،' | '؛' | '，') {
                        b.punct += 1;
                    } else if crate::chars::is_alphabetic(c) {
                        b.letters += 1;
                    }
                }
                let n = b.chars - before;
                if ctx.in_link {
                    b.links += n;
                }
                pos += n;
                if with_text {
                    b.text.push_str(t);
                    b.text.push(' ');
                }
                continue;
            }
            NodeData::Element { tag, .. } => {
                let tag = *tag;
                if id != body && (tag.is_invisible() || a.hidden(dom, id)) {
                    continue;
                }
                let i = id as usize;
                let mut c = ctx;
                if id != body {
                    let (k, p) = content::element_kinds(dom, id, tag);
                    c.kinds |= k;
                    c.positive |= p;
                }
                c.removed |= a.removed[i];
                c.reason |= a.reason[i];
                if id == root {
                    root_state = 1;
                    root_depth = depth;
                    c.under_root = true;
                } else if c.under_root && !c.skipped {
                    c.skipped = content::main_skips(dom, a, root, linky, id);
                }
                c.semantic |= matches!(tag, Tag::Article | Tag::Main)
                    || dom
                        .attr(id, "itemprop")
                        .is_some_and(|v| v.contains("articleBody"));
                c.in_li |= tag == Tag::Li;
                c.in_table |= matches!(tag, Tag::Td | Tag::Th);
                c.in_form |= tag == Tag::Form;
                c.in_link |= tag == Tag::A;
                if id == body || tag.is_block() {
                    c.owner = open.len() as u32;
                    open.push(Open {
                        id,
                        depth,
                        ctx: c,
                        start: pos,
                        root_state,
                        seq: entered,
                        ..Open::default()
                    });
                    entered += 1;
                }
                stack.push((id, depth, true, c));
                if depth < max_depth {
                    let mut ch = node.last_child;
                    while ch != NONE {
                        stack.push((ch, depth + 1, false, c));
                        ch = dom.node(ch).prev;
                    }
                }
            }
            _ => {
                if id == body {
                    // A page without a body element: its document node owns the text.
                    let c = Ctx::default();
                    open.push(Open {
                        id,
                        depth,
                        ctx: c,
                        start: pos,
                        root_state,
                        ..Open::default()
                    });
                    stack.push((id, depth, true, c));
                    let mut ch = node.last_child;
                    while ch != NONE {
                        stack.push((ch, depth + 1, false, c));
                        ch = dom.node(ch).prev;
                    }
                }
            }
        }
    }
    let total = pos.max(1) as f32;
    for f in &mut out.features {
        f[10] /= total;
    }
    group_features(&mut out.features, &out.sigs, body_chars);
    let root_links = a.link_chars[root as usize] as f32 / a.chars[root as usize].max(1) as f32;
    let root_chars = (a.chars[root as usize] as f32).ln_1p();
    for f in &mut out.features {
        f[61] = root_links;
        f[62] = root_chars;
    }
    neighbour_features(&mut out);
    out
}

/// Features of the previous and next block in reading order (length, link density, kept by
/// the heuristic), and of the block's grandparent and great-grandparent elements.
fn neighbour_features(out: &mut PageBlocks) {
    let mut order: Vec<usize> = (0..out.seqs.len()).collect();
    order.sort_unstable_by_key(|&i| out.seqs[i]);
    for k in 0..order.len() {
        let i = order[k];
        let prev = k.checked_sub(1).map(|j| order[j]);
        let next = order.get(k + 1).copied();
        let pick = |j: Option<usize>, f: &[[f32; N_FEATURES]]| {
            j.map_or([0.0, 0.0, -1.0], |j| [f[j][0], f[j][1], f[j][11]])
        };
        let p = pick(prev, &out.features);
        let n = pick(next, &out.features);
        out.features[i][63..66].copy_from_slice(&p);
        out.features[i][66..69].copy_from_slice(&n);
    }
}

/// The structural signature of a block: tag and class of it, its parent and grandparent.
/// Items of a list or posts of a thread share one.
fn signature(dom: &Dom, id: NodeId) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    let mut n = id;
    for _ in 0..3 {
        if n == NONE {
            break;
        }
        mix(&[dom.tag(n).map_or(255, |t| t as u8)]);
        mix(dom.attr(n, "class").unwrap_or("").as_bytes());
        n = dom.node(n).parent;
    }
    h
}

/// Features of the group of blocks sharing a signature: how many, what share of their text
/// the heuristic kept, and their share of the page's text.
fn group_features(features: &mut [[f32; N_FEATURES]], sigs: &[u64], body_chars: f32) {
    let mut order: Vec<usize> = (0..sigs.len()).collect();
    order.sort_unstable_by_key(|&i| sigs[i]);
    let mut start = 0;
    while start < order.len() {
        let sig = sigs[order[start]];
        let mut end = start;
        let (mut chars, mut kept) = (0f32, 0f32);
        while end < order.len() && sigs[order[end]] == sig {
            let f = &features[order[end]];
            let c = f[0].exp_m1();
            chars += c;
            kept += c * f[11];
            end += 1;
        }
        for &i in &order[start..end] {
            let f = &mut features[i];
            f[58] = ((end - start) as f32).ln();
            f[59] = kept / chars.max(1.0);
            f[60] = chars / body_chars;
        }
        start = end;
    }
}

#[allow(clippy::too_many_arguments)]
fn features(
    dom: &Dom,
    a: &Analysis,
    b: &Open,
    tag: Tag,
    root: NodeId,
    root_depth: usize,
    linky: bool,
    fallback: bool,
    last_label: Kinds,
    page: [f32; 3],
) -> [f32; N_FEATURES] {
    let [root_share, body_chars, body_links] = page;
    let i = b.id as usize;
    let chars = b.chars as f32;
    let sub = a.chars[i].max(1) as f32;
    let ctx = &b.ctx;
    let kept = if fallback {
        !ctx.removed
    } else {
        ctx.under_root && !ctx.skipped
    };
    let parent = dom.node(b.id).parent;
    let (pc, pl) = if parent == NONE {
        (0.0, 0.0)
    } else {
        let p = parent as usize;
        (
            a.chars[p] as f32,
            a.link_chars[p] as f32 / a.chars[p].max(1) as f32,
        )
    };
    let flag = |x: bool| if x { 1.0 } else { 0.0 };
    let mut f = [0f32; N_FEATURES];
    f[0] = chars.ln_1p();
    f[1] = b.links as f32 / chars;
    f[2] = b.punct as f32 / chars;
    f[3] = b.letters as f32 / chars;
    f[4] = (b.words as f32).ln_1p();
    f[5] = chars / (b.words.max(1) as f32);
    f[6] = flag(b.ends);
    f[7] = (a.chars[i] as f32).ln_1p();
    f[8] = a.link_chars[i] as f32 / sub;
    f[9] = b.depth as f32;
    f[10] = b.start as f32;
    f[11] = flag(kept);
    f[12] = flag(ctx.under_root);
    f[13] = flag(b.root_state == 0);
    f[14] = flag(b.root_state == 2);
    f[15] = root_share;
    f[16] = flag(ctx.removed);
    for (bit, slot) in f[17..30].iter_mut().enumerate() {
        *slot = flag(ctx.kinds & (1 << bit) != 0);
    }
    f[30] = flag(ctx.reason & vocab::LABEL != 0);
    f[31] = flag(ctx.positive);
    f[32] = flag(ctx.semantic);
    f[33] = flag(ctx.in_li);
    f[34] = flag(ctx.in_table);
    f[35] = flag(ctx.in_form);
    f[36] = flag(tag.is_heading());
    f[37] = flag(tag == Tag::P);
    f[38] = flag(tag == Tag::Li);
    f[39] = flag(matches!(tag, Tag::Td | Tag::Th));
    f[40] = flag(matches!(
        tag,
        Tag::Div | Tag::Section | Tag::Article | Tag::Main | Tag::Body
    ));
    f[41] = flag(matches!(tag, Tag::Pre | Tag::Code | Tag::Blockquote));
    f[42] = flag(matches!(tag, Tag::Dt | Tag::Dd));
    f[43] = flag(last_label & vocab::COMMENT != 0);
    f[44] = flag(last_label & vocab::RELATED != 0);
    f[45] = flag(last_label & (vocab::SOCIAL | vocab::CTA) != 0);
    f[46] = flag(last_label & !(vocab::COMMENT | vocab::RELATED | vocab::SOCIAL | vocab::CTA) != 0);
    f[47] = pc.ln_1p();
    f[48] = pl;
    f[49] = body_chars.ln_1p();
    f[50] = body_links;
    f[51] = a.score[i] / sub;
    f[52] = flag(fallback);
    f[53] = a.prose[i] as f32 / sub;
    f[54] = if ctx.under_root {
        b.depth.saturating_sub(root_depth) as f32
    } else {
        -1.0
    };
    f[55] = flag(
        dom.tag(b.id)
            .is_some_and(|t| content::element_kinds(dom, b.id, t).0 != 0),
    );
    f[56] = flag(b.id == root);
    f[57] = flag(linky);
    let mut up = parent;
    for k in 0..2 {
        up = if up == NONE {
            NONE
        } else {
            dom.node(up).parent
        };
        if up != NONE {
            let u = up as usize;
            f[69 + 2 * k] = (a.chars[u] as f32).ln_1p();
            f[70 + 2 * k] = a.link_chars[u] as f32 / a.chars[u].max(1) as f32;
        }
    }
    f
}

/// Renders the body keeping the text of the blocks the model accepts. Returns an empty string
/// when it keeps none.
pub fn render_learned(
    dom: &Dom,
    a: &Analysis,
    choice: Choice,
    max_depth: usize,
    model: &BlockModel,
) -> String {
    let blocks = collect(dom, a, choice, max_depth, false);
    // When the model only removes (`add_above` above 1), a block whose group holds no block
    // the heuristic kept can neither be added nor sway a kept block's group mean: its trees
    // are not walked.
    let removal_only = model.add_above > 1.0;
    let mut p: Vec<f32> = blocks
        .features
        .iter()
        .map(|f| {
            if removal_only && f[59] <= 0.0 {
                0.0
            } else {
                model.forest.probability(f)
            }
        })
        .collect();
    if model.group_weight > 0.0 {
        smooth_by_group(&mut p, &blocks, model.group_weight);
    }
    let mut keep = vec![false; dom.nodes.len()];
    let mut any = false;
    for ((id, &p), f) in blocks.ids.iter().zip(&p).zip(&blocks.features) {
        let above = if f[11] > 0.0 {
            model.keep_above
        } else {
            model.add_above
        };
        if p > above {
            keep[*id as usize] = true;
            any = true;
        }
    }
    if !any {
        return String::new();
    }
    let mut out = TextBuilder::new();
    render_kept(dom, a, &keep, max_depth, &mut out);
    out.finish()
}

/// Mixes each block's probability with the length-weighted mean of its group's.
fn smooth_by_group(p: &mut [f32], blocks: &PageBlocks, weight: f32) {
    let sigs = &blocks.sigs;
    let mut order: Vec<usize> = (0..sigs.len()).collect();
    order.sort_unstable_by_key(|&i| sigs[i]);
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        let (mut sum, mut w) = (0f32, 0f32);
        while end < order.len() && sigs[order[end]] == sigs[order[start]] {
            let i = order[end];
            let c = blocks.features[i][0];
            sum += c * p[i];
            w += c;
            end += 1;
        }
        let mean = sum / w.max(1e-6);
        for &i in &order[start..end] {
            p[i] = (1.0 - weight) * p[i] + weight * mean;
        }
        start = end;
    }
}

/// Renders the body, writing a text node only when its block (nearest block-level ancestor,
/// or the body) is marked in `keep`. Block structure (breaks) follows the page.
fn render_kept(dom: &Dom, a: &Analysis, keep: &[bool], max_depth: usize, out: &mut TextBuilder) {
    let body = a.body;
    // (node, depth, exiting, inside <pre>, owning block)
    let mut stack: Vec<(NodeId, usize, bool, bool, NodeId)> = vec![(body, 0, false, false, body)];
    while let Some((id, depth, exiting, pre, owner)) = stack.pop() {
        let node = dom.node(id);
        if exiting {
            if let Some(tag) = dom.tag(id) {
                out.brk(break_of(tag));
            }
            continue;
        }
        let mut pre_here = pre;
        let mut owner_here = owner;
        match &node.data {
            NodeData::Text(t) => {
                if keep[owner as usize] {
                    out.push(dom.str(*t), pre);
                }
                continue;
            }
            NodeData::Other => continue,
            NodeData::Document => {}
            NodeData::Element { tag, .. } => {
                let tag = *tag;
                if id != body && (tag.is_invisible() || a.hidden(dom, id)) {
                    continue;
                }
                if tag == Tag::Br {
                    if keep[owner as usize] {
                        out.brk(Break::Line);
                    }
                    continue;
                }
                out.brk(break_of(tag));
                if tag == Tag::Pre {
                    pre_here = true;
                }
                if tag.is_block() {
                    owner_here = id;
                }
                stack.push((id, depth, true, pre, owner));
            }
        }
        if depth >= max_depth {
            continue;
        }
        let mut child = node.last_child;
        while child != NONE {
            stack.push((child, depth + 1, false, pre_here, owner_here));
            child = dom.node(child).prev;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::content::{analyse, choose, widen_to_main};
    use super::super::dom::Limits;
    use super::*;

    fn page_blocks(html: &str) -> (Dom, PageBlocks) {
        let dom = Dom::parse(html, &Limits::default());
        let a = analyse(&dom, 256, true);
        let root = widen_to_main(&dom, &a, choose(&dom, &a, 256));
        let choice = Choice {
            root,
            fallback: false,
        };
        let b = collect(&dom, &a, choice, 256, true);
        (dom, b)
    }

    const PARA: &str = "This is a real paragraph of the article, with a sentence, and another one.";

    #[test]
    fn blocks_own_their_inline_text_and_know_the_heuristic_choice() {
        let html = format!(
            "<body><nav><a href=/>Home</a> <a href=/a>About</a></nav>\
             <article><p>{PARA} <b>Bold</b></p><div>Lead <span>inline</span><p>{PARA}</p></div>\
             </article><footer>Copyright Example</footer></body>"
        );
        let (_, b) = page_blocks(&html);
        let texts: Vec<String> = b
            .texts
            .iter()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let find = |s: &str| texts.iter().position(|t| t.starts_with(s)).unwrap();
        assert!(texts[find("This is")].ends_with("Bold"));
        assert_eq!(texts[find("Lead")], "Lead inline");
        // The article's paragraphs are kept by the heuristic; the menu and footer are not.
        assert_eq!(b.features[find("This is")][11], 1.0);
        assert_eq!(b.features[find("Home")][11], 0.0);
        assert_eq!(b.features[find("Home")][1], 1.0, "all link text");
        assert_eq!(
            b.features[find("Copyright")][14],
            1.0,
            "after the chosen element"
        );
        assert_eq!(
            b.features[find("Home")][13],
            1.0,
            "before the chosen element"
        );
        // Positions run from 0 towards 1 in reading order.
        assert!(b.features[find("Home")][10] < b.features[find("Copyright")][10]);
    }

    #[test]
    fn rendering_keeps_only_the_accepted_blocks_text() {
        let html = format!(
            "<body><div><h2>Title</h2><p>{PARA}</p><ul><li>one</li><li>two</li></ul></div>\
             <div class=x>Junk <span>here</span></div></body>"
        );
        let dom = Dom::parse(&html, &Limits::default());
        let a = analyse(&dom, 256, true);
        let mut keep = vec![false; dom.nodes.len()];
        dom.walk(a.body, 256, &mut |id, _| {
            if matches!(dom.tag(id), Some(Tag::H2 | Tag::P | Tag::Li)) {
                keep[id as usize] = true;
            }
            true
        });
        let mut out = TextBuilder::new();
        render_kept(&dom, &a, &keep, 256, &mut out);
        assert_eq!(out.finish(), format!("Title\n\n{PARA}\n\none\ntwo"));
    }

    #[test]
    fn the_shipped_model_loads_and_keeps_an_article_without_its_chrome() {
        let model = super::super::builtin_block_model().unwrap();
        assert_eq!(model.forest.n_features, N_FEATURES);
        let again = BlockModel::from_text(&model.to_text()).unwrap();
        assert_eq!(&again, &*model);
        let html = format!(
            "<body><nav><a href=/>Home</a> <a href=/a>About us</a> <a href=/c>Contact</a></nav>\
             <article><h1>Headline</h1>{}</article>\
             <footer><a href=/t>Terms of use</a> <a href=/p>Privacy policy</a></footer></body>",
            (0..6)
                .map(|i| format!("<p>{PARA} Part {i}.</p>"))
                .collect::<String>()
        );
        let opts = super::super::ExtractOptions {
            block_model: Some(model),
            ..Default::default()
        };
        let ex = super::super::extract(&html, None, &opts);
        assert_eq!(
            ex.text.matches("This is a real paragraph").count(),
            6,
            "{}",
            ex.text
        );
        for junk in ["Contact", "Privacy policy"] {
            assert!(!ex.text.contains(junk), "{junk} leaked: {}", ex.text);
        }
    }

    #[test]
    fn a_model_with_another_feature_count_is_refused() {
        let text = "keep_above 0.5\nadd_above 0.5\ngroup_weight 0\nmin_share 0\nnahr-gbt 1\nfeatures 3\nbase 0\n";
        assert!(
            BlockModel::from_text(text)
                .unwrap_err()
                .contains("features")
        );
        let no_rule = format!("nahr-gbt 1\nfeatures {N_FEATURES}\nbase 0\n");
        assert!(BlockModel::from_text(&no_rule).is_err());
    }
}

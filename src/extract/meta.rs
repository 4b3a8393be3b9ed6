//! Page metadata: title, site name, author, publication date, description, canonical URL,
//! tags and the declared language, from `<meta>` tags, JSON-LD, microdata, `<time>`
//! elements, the URL and visible date lines.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use serde_json::Value;

use super::date;
use super::dom::{Dom, NodeData, ROOT, Tag};
use super::render::text_content;
use super::text::clean_inline;
use super::vocab::ValueHasher;
use crate::document::Metadata;

/// What the page says about itself, gathered in one walk.
#[derive(Debug, Default)]
pub struct PageFacts {
    /// Text of the first `<title>`.
    pub title_tag: Option<String>,
    /// `(key, content)` of `<meta>` tags; the key is the lower-cased `property`, `name` or
    /// `itemprop`.
    pub metas: Vec<(String, String)>,
    /// `<link rel=canonical>` target.
    pub canonical: Option<String>,
    /// Facts from JSON-LD blocks.
    pub ld: LinkedData,
    /// `datetime` of `<time>` elements and `datePublished` microdata, with a flag for those
    /// marked as the publication date.
    pub times: Vec<(String, bool)>,
    /// Short texts of elements whose class or id names a date, with a priority (lower first).
    pub date_texts: Vec<(u8, String)>,
    /// Texts of the `<h1>` elements.
    pub h1s: Vec<String>,
    /// The `lang` attribute of `<html>`.
    pub html_lang: Option<String>,
    /// Microdata `author` names.
    pub authors: Vec<String>,
    /// Names from bylines (`rel=author` links, `class="author"` elements).
    pub byline_names: Vec<String>,
}

/// Facts from JSON-LD.
#[derive(Debug, Default)]
pub struct LinkedData {
    /// `headline` (or `name` of an article object).
    pub headline: Option<String>,
    /// `datePublished` (or `dateCreated`).
    pub published: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// `publisher.name`.
    pub publisher: Option<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `articleBody`.
    pub body: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The page types declared (`@type`).
    pub types: Vec<String>,
}

/// Longest JSON-LD block parsed, in bytes.
const MAX_LD_BYTES: usize = 2 << 20;
/// Deepest JSON nesting visited.
const MAX_LD_DEPTH: usize = 12;

/// Collects the page facts in one walk of the DOM.
pub fn gather(dom: &Dom, max_depth: usize) -> PageFacts {
    let mut f = PageFacts::default();
    // What each distinct class value of the page says (its date priority, whether it names an
    // author): a page repeats a few class values, some of them long, on many elements.
    let mut classes: HashMap<&str, (Option<u8>, bool), BuildHasherDefault<ValueHasher>> =
        HashMap::default();
    dom.walk(ROOT, max_depth, &mut |id, _| {
        let NodeData::Element { tag, attrs, .. } = &dom.node(id).data else {
            return true;
        };
        let attrs = attrs.get(&dom.attrs);
        let attr = |name: &str| {
            attrs
                .iter()
                .find(|(n, _)| &**n == name)
                .map(|(_, v)| dom.str(*v))
        };
        match tag {
            Tag::Html if f.html_lang.is_none() => {
                f.html_lang = attr("lang").map(clean_inline).filter(|s| !s.is_empty());
            }
            Tag::Title => {
                if f.title_tag.is_none() {
                    f.title_tag = Some(clean_inline(&text_content(dom, id, 4)));
                }
                return false;
            }
            Tag::Meta => {
                if let Some(content) = attr("content") {
                    for key in ["property", "name", "itemprop"] {
                        if let Some(k) = attr(key) {
                            f.metas
                                .push((k.trim().to_ascii_lowercase(), content.to_string()));
                        }
                    }
                }
                return false;
            }
            Tag::Link => {
                let rel = attr("rel").unwrap_or("");
                if f.canonical.is_none() && rel.eq_ignore_ascii_case("canonical") {
                    f.canonical = attr("href").map(|h| h.trim().to_string());
                }
                return false;
            }
            Tag::Script => {
                if attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                {
                    let text = text_content(dom, id, 2);
                    if text.len() <= MAX_LD_BYTES {
                        read_json_ld(&text, &mut f.ld);
                    }
                }
                return false;
            }
            Tag::H1 if f.h1s.len() < 4 => {
                f.h1s.push(clean_inline(&text_content(dom, id, 16)));
            }
            _ => {}
        }
        // Everything below reads an attribute.
        if attrs.is_empty() {
            return true;
        }
        // The attributes read below, in one pass (an element's attribute names are unique).
        let (mut itemprop, mut datetime, mut content, mut class, mut eid, mut rel) =
            ("", None, None, "", "", None);
        for (n, v) in attrs {
            match &**n {
                "itemprop" => itemprop = dom.str(*v),
                "datetime" => datetime = Some(dom.str(*v)),
                "content" => content = Some(dom.str(*v)),
                "class" => class = dom.str(*v),
                "id" => eid = dom.str(*v),
                "rel" => rel = Some(dom.str(*v)),
                _ => {}
            }
        }
        if let Some(dt) =
            datetime.or_else(|| (itemprop == "datePublished").then_some(content).flatten())
        {
            let published = itemprop == "datePublished"
                || (!class.is_empty() && class.to_ascii_lowercase().contains("publish"));
            if f.times.len() < 16 {
                f.times.push((dt.to_string(), published));
            }
        }
        if itemprop == "author" && f.authors.len() < 4 {
            let name = content
                .map(clean_inline)
                .unwrap_or_else(|| clean_inline(&text_content(dom, id, 8)));
            if !name.is_empty() && name.chars().count() <= 80 {
                f.authors.push(name);
            }
        }
        let (class_date, class_author) = if class.is_empty() {
            (None, false)
        } else {
            *classes.entry(class).or_insert_with(|| {
                let author = class
                    .split_ascii_whitespace()
                    .any(|c| c == "author" || c == "fn");
                (date_priority(class), author)
            })
        };
        let rel_author = rel.is_some_and(|r| r.eq_ignore_ascii_case("author"));
        if (rel_author || class_author) && f.byline_names.len() < 4 {
            let name = clean_inline(&text_content(dom, id, 8));
            let n = name.chars().count();
            if (2..=60).contains(&n) && !name.chars().any(|c| c.is_ascii_digit()) {
                f.byline_names.push(name);
            }
        }
        // The strongest of the class's and the id's (no word spans the two).
        let priority = match (class_date, date_priority(eid)) {
            (Some(c), Some(i)) => Some(c.min(i)),
            (c, i) => c.or(i),
        };
        if let Some(p) = priority
            && f.date_texts.len() < 32
        {
            let t = text_content(dom, id, 8);
            if t.len() <= 300 {
                f.date_texts.push((p, t));
            }
        }
        true
    });
    f
}

/// How strongly an element's class or id suggests a date line: 0 for publishing words
/// (`publish`, `created`, `posted`, `pubdate`), 1 for `date`/`time`, 2 for `meta`/`byline`,
/// the strongest found anywhere in `names`, in any ASCII case.
///
/// This runs for every element with a class or an id (3% of a run's CPU on Arabic WordPress
/// pages when it tested each byte against the words' first letters), so it reads four bytes at
/// a time: every word's first four letters are one `u32` in lower case, and only a position
/// whose four bytes match one of them is looked at further. [`date_priority_bytewise`] is the
/// same function written plainly (for the tests); a test holds the two equal.
fn date_priority(names: &str) -> Option<u8> {
    /// Four letters as a little-endian word, as a window of `names` reads after `| 0x2020_2020`.
    const fn word(w: &[u8; 4]) -> u32 {
        u32::from_le_bytes(*w)
    }
    const PUBL: u32 = word(b"publ");
    const POST: u32 = word(b"post");
    const PUBD: u32 = word(b"pubd");
    const CREA: u32 = word(b"crea");
    const DATE: u32 = word(b"date");
    const TIME: u32 = word(b"time");
    const META: u32 = word(b"meta");
    const BYLI: u32 = word(b"byli");
    let b = names.as_bytes();
    let rest_is = |at: usize, tail: &[u8]| {
        b.get(at..at + tail.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(tail))
    };
    let mut best: Option<u8> = None;
    for (i, window) in b.windows(4).enumerate() {
        let Ok(four) = <[u8; 4]>::try_from(window) else {
            break;
        };
        // `| 0x20` lowers ASCII capitals and maps no other byte onto a lower-case letter.
        let p = match u32::from_le_bytes(four) | 0x2020_2020 {
            DATE | TIME => 1,
            META => 2,
            PUBL if rest_is(i + 4, b"ish") => 0,
            POST if rest_is(i + 4, b"ed") => 0,
            PUBD if rest_is(i + 4, b"ate") => 0,
            CREA if rest_is(i + 4, b"ted") => 0,
            BYLI if rest_is(i + 4, b"ne") => 2,
            _ => continue,
        };
        if p == 0 {
            return Some(0);
        }
        best = Some(best.map_or(p, |q: u8| q.min(p)));
    }
    best
}

/// [`date_priority`] byte by byte: each position is tested against every word.
#[cfg(test)]
fn date_priority_bytewise(names: &str) -> Option<u8> {
    const WORDS: [(&str, u8); 8] = [
        ("publish", 0),
        ("posted", 0),
        ("pubdate", 0),
        ("created", 0),
        ("date", 1),
        ("time", 1),
        ("meta", 2),
        ("byline", 2),
    ];
    let b = names.as_bytes();
    let mut best: Option<u8> = None;
    for i in 0..b.len() {
        for (word, p) in WORDS {
            let word = word.as_bytes();
            if b.len() - i >= word.len() && b[i..i + word.len()].eq_ignore_ascii_case(word) {
                best = Some(best.map_or(p, |q: u8| q.min(p)));
            }
        }
    }
    best
}

fn read_json_ld(text: &str, ld: &mut LinkedData) {
    let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
        return;
    };
    visit_ld(&v, ld, 0);
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(clean_inline(s)).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(str_of),
        Value::Object(o) => o.get("name").and_then(str_of),
        _ => None,
    }
}

fn names_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => {
            for x in a.iter().take(8) {
                names_of(x, out);
            }
        }
        other => {
            if let Some(s) = str_of(other)
                && !out.contains(&s)
                && s.chars().count() <= 80
            {
                out.push(s);
            }
        }
    }
}

fn is_article_type(t: &str) -> bool {
    t.contains("Article")
        || t.contains("Posting")
        || matches!(
            t,
            "Report" | "BlogPosting" | "WebPage" | "Review" | "Recipe"
        )
}

fn visit_ld(v: &Value, ld: &mut LinkedData, depth: usize) {
    if depth > MAX_LD_DEPTH {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                visit_ld(x, ld, depth + 1);
            }
        }
        Value::Object(o) => {
            let types: Vec<String> = match o.get("@type") {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            ld.types.extend(types.iter().cloned());
            let article = types.iter().any(|t| is_article_type(t));
            let strong = types
                .iter()
                .any(|t| t.contains("Article") || t.contains("Posting"));
            if article || o.contains_key("datePublished") || o.contains_key("headline") {
                if let Some(h) = o.get("headline").and_then(str_of)
                    && (ld.headline.is_none() || strong)
                {
                    ld.headline = Some(h);
                }
                if (ld.published.is_none() || strong)
                    && let Some(d) = o
                        .get("datePublished")
                        .or_else(|| o.get("dateCreated"))
                        .and_then(|d| d.as_str())
                {
                    ld.published = Some(d.to_string());
                }
                if let Some(a) = o.get("author")
                    && (ld.authors.is_empty() || strong)
                {
                    let mut names = Vec::new();
                    names_of(a, &mut names);
                    if !names.is_empty() {
                        ld.authors = names;
                    }
                }
                if let Some(b) = o.get("articleBody").and_then(|b| b.as_str())
                    && ld.body.is_none()
                {
                    ld.body = Some(b.to_string());
                }
                if let Some(k) = o.get("keywords")
                    && ld.keywords.is_empty()
                {
                    match k {
                        Value::String(s) => ld.keywords = split_tags(s),
                        Value::Array(a) => {
                            ld.keywords = a.iter().filter_map(str_of).take(50).collect()
                        }
                        _ => {}
                    }
                }
                if let Some(d) = o.get("description").and_then(str_of)
                    && (ld.description.is_none() || strong)
                {
                    ld.description = Some(d);
                }
            }
            if let Some(p) = o.get("publisher").and_then(str_of)
                && ld.publisher.is_none()
            {
                ld.publisher = Some(p);
            }
            if types
                .iter()
                .any(|t| t == "WebSite" || t == "Organization" || t == "NewsMediaOrganization")
                && ld.publisher.is_none()
                && let Some(n) = o.get("name").and_then(str_of)
            {
                ld.publisher = Some(n);
            }
            for (k, x) in o {
                if matches!(
                    k.as_str(),
                    "@graph" | "mainEntity" | "itemListElement" | "hasPart"
                ) {
                    visit_ld(x, ld, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn split_tags(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in s.split([',', '،', ';', '|']) {
        let t = clean_inline(t);
        if !t.is_empty() && t.chars().count() <= 60 && !out.contains(&t) {
            out.push(t);
        }
        if out.len() >= 50 {
            break;
        }
    }
    out
}

impl PageFacts {
    fn meta(&self, keys: &[&str]) -> Option<String> {
        for k in keys {
            if let Some((_, v)) = self.metas.iter().find(|(n, _)| n == k) {
                let v = clean_inline(v);
                if !v.is_empty() {
                    return Some(v);
                }
            }
        }
        None
    }

    fn metas_all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.metas
            .iter()
            .filter(move |(n, _)| n == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Separators between a headline and the site name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " » ", " « ", " / ", " · ", " •",
];

/// Removes a site-name part from a `<title>`-style string.
pub fn strip_site_name(title: &str, site: Option<&str>) -> String {
    for sep in TITLE_SEPARATORS {
        if !title.contains(sep) {
            continue;
        }
        let parts: Vec<&str> = title.split(sep).map(str::trim).collect();
        if let Some(site) = site {
            let kept: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|p| !p.eq_ignore_ascii_case(site))
                .collect();
            if kept.len() < parts.len() && !kept.is_empty() {
                return kept.join(sep);
            }
        }
        // Otherwise drop a short first or last part when the rest is clearly longer.
        let first = parts[0];
        let last = parts[parts.len() - 1];
        let rest_len = |skip: usize| {
            parts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, p)| p.chars().count())
                .sum::<usize>()
        };
        if parts.len() >= 2 {
            if last.chars().count() * 2 < rest_len(parts.len() - 1) && last.chars().count() <= 40 {
                return parts[..parts.len() - 1].join(sep);
            }
            if first.chars().count() * 2 < rest_len(0) && first.chars().count() <= 40 {
                return parts[1..].join(sep);
            }
        }
    }
    title.to_string()
}

fn norm_key(s: &str) -> String {
    s.chars()
        .filter(|c| crate::chars::is_alphanumeric(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Builds the metadata from the page facts and the page URL.
pub fn metadata(f: &PageFacts, url: Option<&str>) -> Metadata {
    let site_name = f
        .meta(&["og:site_name", "application-name", "twitter:site"])
        .filter(|s| !s.starts_with('@'))
        .or_else(|| f.ld.publisher.clone());
    let site = site_name.as_deref();
    let candidates: Vec<String> = [
        f.meta(&["og:title", "twitter:title"]),
        f.ld.headline.clone(),
        f.title_tag.clone(),
    ]
    .into_iter()
    .flatten()
    .map(|t| strip_site_name(&t, site))
    .filter(|t| !t.is_empty())
    .collect();
    // An <h1> that agrees with a declared title is the headline as shown.
    let title = f
        .h1s
        .iter()
        .find(|h| {
            let k = norm_key(h);
            k.len() >= 8
                && candidates.iter().any(|c| {
                    let ck = norm_key(c);
                    ck.contains(&k) || k.contains(&ck)
                })
        })
        .cloned()
        .or_else(|| candidates.first().cloned());
    let mut authors: Vec<String> = f.ld.authors.clone();
    if authors.is_empty() {
        authors = f.authors.clone();
    }
    if authors.is_empty()
        && let Some(a) = f.meta(&[
            "author",
            "article:author",
            "dc.creator",
            "byl",
            "sailthru.author",
        ])
        && !a.starts_with("http")
    {
        authors.push(a);
    }
    if authors.is_empty()
        && let Some(name) = f.byline_names.first()
    {
        authors.push(name.clone());
    }
    let author = (!authors.is_empty()).then(|| authors.join(", "));
    let description = f
        .meta(&["og:description", "description", "twitter:description"])
        .or_else(|| f.ld.description.clone());
    let canonical_url = f
        .canonical
        .clone()
        .or_else(|| f.meta(&["og:url"]))
        .filter(|c| !c.is_empty())
        .map(|c| resolve(&c, url));
    let mut tags: Vec<String> = Vec::new();
    for t in f.metas_all("article:tag") {
        for x in split_tags(t) {
            if !tags.contains(&x) {
                tags.push(x);
            }
        }
    }
    if tags.is_empty() {
        tags = f.ld.keywords.clone();
    }
    if tags.is_empty()
        && let Some(k) = f.meta(&["news_keywords", "keywords"])
    {
        tags = split_tags(&k);
    }
    let published_at = published(f, url);
    Metadata {
        title,
        site_name,
        author,
        published: published_at.map(|(t, _)| t),
        published_day: published_at.map(|(_, d)| d),
        description,
        canonical_url,
        tags,
        html_lang: f.html_lang.clone(),
    }
}

fn parse_any(s: &str) -> Option<i64> {
    date::parse_iso(s).or_else(|| date::parse_text_date(s))
}

/// A publication instant and the calendar day (days since 1970-01-01) the page states, in the
/// page's own time zone: the literal `YYYY-MM-DD` that starts an ISO value, else the instant's
/// UTC day (values without an offset are taken as UTC, so the two agree).
fn dated(source: &str, t: i64) -> (i64, i32) {
    let literal = source
        .trim()
        .get(..10)
        .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
        .and_then(date::parse_iso);
    let day = literal.unwrap_or(t).div_euclid(86_400_000_000);
    (t, i32::try_from(day).unwrap_or(0))
}

/// The publication date, from the most to the least reliable source.
fn published(f: &PageFacts, url: Option<&str>) -> Option<(i64, i32)> {
    if let Some(v) = f.ld.published.as_deref()
        && let Some(t) = parse_any(v)
    {
        return Some(dated(v, t));
    }
    const KEYS: &[&str] = &[
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "datepublished",
        "publishdate",
        "publish-date",
        "pubdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "sailthru.date",
        "parsely-pub-date",
        "citation_publication_date",
        "article.published",
        "published_time",
    ];
    for k in KEYS {
        for v in f.metas_all(k) {
            if let Some(t) = parse_any(v) {
                return Some(dated(v, t));
            }
        }
    }
    for published in [true, false] {
        for (dt, p) in &f.times {
            if *p == published
                && let Some(t) = parse_any(dt)
            {
                return Some(dated(dt, t));
            }
        }
    }
    if let Some(t) = url.and_then(date::parse_url_date) {
        return Some(dated("", t));
    }
    if let Some(t) = f.canonical.as_deref().and_then(date::parse_url_date) {
        return Some(dated("", t));
    }
    for prio in 0..=2 {
        for (p, text) in &f.date_texts {
            if *p == prio
                && let Some(t) = date::parse_text_date(text).or_else(|| date::parse_iso(text))
            {
                return Some(dated(text, t));
            }
        }
    }
    None
}

/// Resolves a root-relative or protocol-relative link against the page URL.
fn resolve(link: &str, base: Option<&str>) -> String {
    if link.contains("://") {
        return link.to_string();
    }
    let Some(base) = base else {
        return link.to_string();
    };
    let Some(scheme_end) = base.find("://") else {
        return link.to_string();
    };
    if let Some(rest) = link.strip_prefix("//") {
        return format!("{}://{rest}", &base[..scheme_end]);
    }
    if link.starts_with('/') {
        let host_end = base[scheme_end + 3..]
            .find('/')
            .map_or(base.len(), |i| scheme_end + 3 + i);
        return format!("{}{link}", &base[..host_end]);
    }
    link.to_string()
}

#[cfg(test)]
mod tests {
    use super::{date_priority, date_priority_bytewise, dated};

    #[test]
    fn date_priority_agrees_with_the_bytewise_scan() {
        // Every string of up to four pieces over pieces that make, split and overlap the words
        // (in both cases), plus separators and bytes that `| 0x20` maps onto letters' neighbours.
        let pieces = [
            "pub", "date", "DATE", "time", "Ti", "me", "ta", "meta", "by", "line", "posted",
            "PUBLISH", "creat", "ed", "-", " ", "x", "\n", "é", "ate", "post", "e", "d", "@", "[",
            "Dat", "\u{0}",
        ];
        let mut checked = 0;
        let mut s = String::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in ["", "ed", "ME", "line", "-", "ish"] {
                        s.clear();
                        s.extend([a, b, c, d]);
                        assert_eq!(date_priority(&s), date_priority_bytewise(&s), "{s:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn date_priority_takes_the_strongest_word() {
        assert_eq!(date_priority("entry-meta\npost-date"), Some(1));
        assert_eq!(date_priority("meta byline\n"), Some(2));
        assert_eq!(date_priority("posted-on\nmeta"), Some(0));
        assert_eq!(date_priority("\ntimestamp-created"), Some(0));
        assert_eq!(date_priority("menu-item\nnav"), None);
        assert_eq!(date_priority(""), None);
    }

    #[test]
    fn published_day_is_the_pages_own_day() {
        let t = super::date::parse_iso("2020-12-01T02:00:00+03:00").unwrap();
        let (instant, day) = dated("2020-12-01T02:00:00+03:00", t);
        assert_eq!(instant, t);
        assert_eq!(day as i64, super::date::days_from_civil(2020, 12, 1));
        assert_eq!(
            t.div_euclid(86_400_000_000),
            super::date::days_from_civil(2020, 11, 30)
        );
        // No offset in the source: the UTC day.
        let u = super::date::to_micros(2021, 5, 4, 0, 0, 0, 0).unwrap();
        assert_eq!(
            dated("", u).1 as i64,
            super::date::days_from_civil(2021, 5, 4)
        );
        assert_eq!(
            dated("٤ مايو ٢٠٢١", u).1 as i64,
            super::date::days_from_civil(2021, 5, 4)
        );
    }

    use super::super::dom::Limits;
    use super::*;

    fn meta_of(html: &str, url: Option<&str>) -> Metadata {
        let dom = Dom::parse(html, &Limits::default());
        metadata(&gather(&dom, 256), url)
    }

    #[test]
    fn reads_meta_tags_and_json_ld() {
        let m = meta_of(
            r#"<html lang="en-US"><head><title>Big news today | The Daily</title>
            <meta property="og:site_name" content="The Daily">
            <meta name="description" content="What happened.">
            <meta property="article:tag" content="politics"><meta property="article:tag" content="economy">
            <link rel="canonical" href="/2020/06/03/big-news">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"NewsArticle","headline":"Big news today","datePublished":"2020-06-03T10:00:00+02:00",
               "author":[{"@type":"Person","name":"Ann Lee"},{"@type":"Person","name":"Bo Chen"}],
               "publisher":{"@type":"Organization","name":"The Daily"}}]}</script>
            </head><body><h1>Big news today</h1></body></html>"#,
            Some("https://daily.example/x"),
        );
        assert_eq!(m.title.as_deref(), Some("Big news today"));
        assert_eq!(m.site_name.as_deref(), Some("The Daily"));
        assert_eq!(m.author.as_deref(), Some("Ann Lee, Bo Chen"));
        assert_eq!(m.published, date::to_micros(2020, 6, 3, 8, 0, 0, 0));
        assert_eq!(m.description.as_deref(), Some("What happened."));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://daily.example/2020/06/03/big-news")
        );
        assert_eq!(m.tags, vec!["politics".to_string(), "economy".to_string()]);
        assert_eq!(m.html_lang.as_deref(), Some("en-US"));
    }

    #[test]
    fn visible_arabic_date_line_and_bad_json() {
        let m = meta_of(
            r#"<html><head><title>خبر عاجل عن الأحداث - موقع</title><script type="application/ld+json">{not json</script></head>
            <body><div class="article_created">تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً</div></body></html>"#,
            None,
        );
        assert_eq!(
            m.published.map(date::format_day).as_deref(),
            Some("2020-04-24")
        );
        assert_eq!(m.title.as_deref(), Some("خبر عاجل عن الأحداث"));
    }

    #[test]
    fn strips_site_names() {
        assert_eq!(
            strip_site_name("Headline here | Site", Some("Site")),
            "Headline here"
        );
        assert_eq!(
            strip_site_name("A fairly long headline about things - Short", None),
            "A fairly long headline about things"
        );
        assert_eq!(strip_site_name("No separator", None), "No separator");
    }
}

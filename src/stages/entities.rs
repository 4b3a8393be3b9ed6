//! The `entities` stage: tags each token with a BIO tag (`Token::ner`) and fills
//! `Document::entities`, from entity lists (built-in and the user's).
//!
//! Options (the `[entities]` table of a pipeline file):
//!
//! - `lists = ["my-actors.tsv"]`: user lists, TSV `phrase<TAB>label` (labels `PER`, `LOC`,
//!   `ORG`, `MISC`; `#` starts a comment line). Relative paths are resolved against `base_dir`.
//! - `base_dir = "..."`: the directory of the pipeline file. The pipeline loader inserts it;
//!   when absent, relative list paths are resolved against the current directory.
//! - `builtin_lists = false`: turn off the built-in lists (country, territory and city names
//!   from Unicode CLDR).
//!
//! Which matches win where they overlap: user lists first, then built-in lists.
//! Lists are read once when the stage is built; processing does no I/O.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::{BioTag, Document, Entity, EntityOrigin};
use crate::ner::lists::{EntityList, ListMatch};
use crate::ner::text::match_key_into;
use crate::stage::{Stage, StageError};

/// Options of the `entities` stage (the `[entities]` table of a pipeline file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesOptions {
    /// User entity lists (TSV `phrase<TAB>label`), relative to `base_dir`.
    pub lists: Vec<String>,
    /// Directory that relative paths are resolved against (set by the pipeline loader to the
    /// pipeline file's directory).
    pub base_dir: Option<PathBuf>,
    /// Match the built-in lists (CLDR territories and cities). On by default.
    pub builtin_lists: bool,
}

impl Default for EntitiesOptions {
    fn default() -> Self {
        EntitiesOptions {
            lists: Vec::new(),
            base_dir: None,
            builtin_lists: true,
        }
    }
}

/// Finds entity mentions in tokenized documents.
#[derive(Debug, Clone)]
pub struct EntitiesStage {
    user_list: EntityList,
    builtin_ar: EntityList,
    builtin_en: EntityList,
    builtin_all: EntityList,
}

impl EntitiesStage {
    /// Builds the stage from its options table; reads the user lists it names.
    pub fn from_options(options: toml::Table) -> Result<Self, String> {
        let options: EntitiesOptions = options
            .try_into()
            .map_err(|e| format!("bad [entities] options: {e}"))?;
        EntitiesStage::new(&options)
    }

    /// Builds the stage from parsed options; reads the user lists they name.
    pub fn new(options: &EntitiesOptions) -> Result<Self, String> {
        let mut user_list = EntityList::new();
        for name in &options.lists {
            let path = resolve(options.base_dir.as_deref(), name);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "cannot read entity list {} (from [entities] lists): {e}",
                    path.display()
                )
            })?;
            user_list.add_tsv(&text, &path.display().to_string())?;
        }
        let (builtin_ar, builtin_en, builtin_all) = if options.builtin_lists {
            (
                EntityList::builtin("ar"),
                EntityList::builtin("en"),
                EntityList::builtin_all(),
            )
        } else {
            Default::default()
        };
        Ok(EntitiesStage {
            user_list,
            builtin_ar,
            builtin_en,
            builtin_all,
        })
    }

    fn builtin_for(&self, lang: Option<&str>) -> &EntityList {
        match lang {
            Some("ar") => &self.builtin_ar,
            Some("en") => &self.builtin_en,
            _ => &self.builtin_all,
        }
    }
}

fn resolve(base: Option<&Path>, name: &str) -> PathBuf {
    let path = Path::new(name);
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_path_buf(),
    }
}

/// A candidate mention, before overlaps are resolved.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    m: ListMatch,
    origin: EntityOrigin,
    score: f32,
}

/// Reusable per-sentence buffers.
#[derive(Default)]
struct Scratch {
    keys: String,
    key_ends: Vec<usize>,
    key: String,
}

impl Stage for EntitiesStage {
    fn name(&self) -> &'static str {
        "entities"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.entities.clear();
        for t in &mut doc.tokens {
            t.ner = BioTag::O;
        }
        let builtin = self.builtin_for(doc.lang.as_deref());
        let mut scratch = Scratch::default();
        let mut found: Vec<(usize, Candidate)> = Vec::new();
        let mut start = 0;
        while start < doc.tokens.len() {
            let sent = doc.tokens[start].sent_idx;
            let mut end = start + 1;
            while end < doc.tokens.len() && doc.tokens[end].sent_idx == sent {
                end += 1;
            }
            self.sentence(doc, start, end, builtin, &mut scratch, &mut found);
            start = end;
        }
        for (offset, c) in found {
            push_entity(doc, offset, c);
        }
        Ok(())
    }
}

impl EntitiesStage {
    /// Finds the mentions of tokens `start..end` (one sentence) and appends them, with token
    /// indices relative to the document, to `found`.
    fn sentence(
        &self,
        doc: &Document,
        start: usize,
        end: usize,
        builtin: &EntityList,
        scratch: &mut Scratch,
        found: &mut Vec<(usize, Candidate)>,
    ) {
        let tokens = &doc.tokens[start..end];
        scratch.keys.clear();
        scratch.key_ends.clear();
        for t in tokens {
            match_key_into(doc.slice(t.byte_start, t.byte_end), &mut scratch.key);
            scratch.keys.push_str(&scratch.key);
            scratch.key_ends.push(scratch.keys.len());
        }
        let mut keys: Vec<&str> = Vec::with_capacity(tokens.len());
        let mut from = 0;
        for &to in &scratch.key_ends {
            keys.push(&scratch.keys[from..to]);
            from = to;
        }
        let surfaces: Vec<&str> = tokens
            .iter()
            .map(|t| doc.slice(t.byte_start, t.byte_end))
            .collect();

        // Candidates in order of priority; a later one is kept only where it overlaps nothing.
        let mut taken = vec![false; tokens.len()];
        let mut chosen: Vec<Candidate> = Vec::new();
        let user = self.user_list.find(&keys, &surfaces);
        let lists = builtin.find(&keys, &surfaces);
        for (matches, score) in [(user, 1.0f32), (lists, 1.0f32)] {
            for m in matches {
                if taken[m.tok_start..m.tok_end].iter().any(|&t| t) {
                    continue;
                }
                taken[m.tok_start..m.tok_end].fill(true);
                chosen.push(Candidate {
                    m,
                    origin: EntityOrigin::List,
                    score,
                });
            }
        }
        chosen.sort_by_key(|c| c.m.tok_start);
        found.extend(chosen.into_iter().map(|c| (start, c)));
    }
}

/// Whether the matching key drops this character (diacritics, tatweel, format characters).
fn dropped_by_key(c: char) -> bool {
    let mut s = String::new();
    match_key_into(c.encode_utf8(&mut [0u8; 4]), &mut s);
    s.is_empty()
}

/// Turns a chosen candidate into an entity and sets the tokens' BIO tags.
fn push_entity(doc: &mut Document, offset: usize, c: Candidate) {
    let first = offset + c.m.tok_start;
    let last = offset + c.m.tok_end - 1;
    let (mut cp, mut byte) = (doc.tokens[first].start, doc.tokens[first].byte_start);
    let first_surface = doc.slice(doc.tokens[first].byte_start, doc.tokens[first].byte_end);
    // Skip the proclitics: `stripped` key characters, and the marks that go with them.
    let mut to_skip = c.m.stripped;
    for ch in first_surface.chars() {
        let dropped = dropped_by_key(ch);
        if to_skip == 0 && !dropped {
            break;
        }
        if !dropped {
            to_skip -= 1;
        }
        cp += 1;
        byte += ch.len_utf8();
    }
    let (end, byte_end) = (doc.tokens[last].end, doc.tokens[last].byte_end);
    let mut norm = String::new();
    let mut key = String::new();
    let mut prev_end = byte;
    for t in &doc.tokens[first..=last] {
        let from = t.byte_start.max(byte);
        if !norm.is_empty() && t.byte_start > prev_end {
            norm.push(' ');
        }
        match_key_into(doc.slice(from, t.byte_end), &mut key);
        norm.push_str(&key);
        prev_end = t.byte_end;
    }
    doc.tokens[first].ner = BioTag::B(c.m.label);
    for t in &mut doc.tokens[first + 1..=last] {
        t.ner = BioTag::I(c.m.label);
    }
    doc.entities.push(Entity {
        start: cp,
        end,
        byte_start: byte,
        byte_end,
        tok_start: first,
        tok_end: last + 1,
        norm,
        label: c.m.label,
        score: c.score,
        origin: c.origin,
    });
}

//! The `entities` stage: tags each token with a BIO tag (`Token::ner`) and fills
//! `Document::entities`, from the statistical model of the document's language and from entity
//! lists (built-in and the user's).
//!
//! Documents are routed by `Document::lang`: `ar` and `en` have trained models (shipped in
//! `models/` and compiled into the binary); other languages, and documents without a detected
//! language, get list matches only.
//!
//! Options (the `[entities]` table of a pipeline file):
//!
//! - `lists = ["my-actors.tsv"]`: user lists, TSV `phrase<TAB>label` (labels `PER`, `LOC`,
//!   `ORG`, `MISC`; `#` starts a comment line). Relative paths are resolved against `base_dir`.
//! - `base_dir = "..."`: the directory of the pipeline file. The pipeline loader inserts it;
//!   when absent, relative list paths are resolved against the current directory.
//! - `builtin_lists = false`: turn off the built-in lists (country, territory and city names
//!   from Unicode CLDR; Arabic documents also town names of Arab League countries from
//!   GeoNames, which documents in other languages do not match; and the news agencies of Arabic
//!   datelines, الرياض (واس), and car makers, `ORG`, a make and model the model took for a
//!   person, شيفروليه بولت, `MISC`, see `src/ner/arabic_names.rs`).
//! - `models = false`: turn off the statistical models (lists only).
//! - `model_ar = "path"`, `model_en = "path"`: use these model files (from `nahr train-ner`)
//!   instead of the built-in ones; relative to `base_dir`.
//! - `propagate = false`: turn off one-sense-per-document propagation (on by default): a word
//!   the model tagged on its own, or as the last word of a mention, is tagged with the same label
//!   wherever else it stands alone in the document; a common word (wordfreq Zipf above 4) only
//!   when the model tagged it alone at least twice and in two thirds of its occurrences in the
//!   document (داعش, Zipf 5.1). Propagation raised ANERcorp dev F1 from 68.4 to 70.5.
//! - `org_phrases = false`: turn off organisation phrases (on by default; Arabic documents
//!   only): a generic organisation head noun from the built-in list
//!   (`data/lists/org-heads-ar.tsv`: قوات, وزارة, حزب, صحيفة...) and what names it become one
//!   `ORG` mention, which replaces the mentions inside it (see `src/ner/org_phrases.rs`).
//! - `org_patterns = ["head-name", ...]`: which phrase patterns are used (default:
//!   `DEFAULT_ORG_PATTERNS`; the others are measured in models/README.md and not on by default).
//!   Two patterns relabel instead of joining: `head-relabel` turns a `MISC` mention of the
//!   model right after a head, or quoted right after it (تنظيم «…»), into `ORG` without
//!   taking the head in; `head-relabel-doc` (on by default) also relabels the other `MISC`
//!   mentions of the model with the same words in the document, and tags those words `ORG`
//!   where they stand untagged right after another head; `media-relabel` (on by default)
//!   relabels `ORG` a `PER`, `LOC` or `MISC` mention of the model right after a press or
//!   broadcasting head (لصحيفة ديلي ميل); `media-word` (on by default) tags `ORG` the one
//!   untagged definite word after a newspaper, magazine, channel, radio or television head
//!   (جريدة الحياة: الحياة), the head left outside; `education-name` (on by default) makes
//!   a university's, institute's or faculty's head and the name after it one `ORG` (جامعة جونز
//!   هوبكنز, which the model tags a person); `media-tail` (on by default) makes a name ending
//!   in نيوز, بوست, تايمز, برس or توداي an `ORG`, taking in the word before a lone tail
//!   (المدينة نيوز, which the model tagged نيوز `LOC`).
//! - `disease_names = false`: do not relabel disease names (on by default; Arabic documents
//!   only): the model's mention right after a disease noun (`data/lists/disease-heads-ar.tsv`:
//!   فيروس, مرض, وباء...), and its other mentions starting with the same word, become `MISC`
//!   (فيروس كورونا: the model says `PER`; see `src/ner/disease_context.rs`).
//! - `competitions = false`: do not join Arabic competition names (on by default): a head
//!   noun (كأس, دوري, بطولة, مونديال, أولمبياد) and what completes the name after it (العالم, a
//!   place, أبطال/الأمم/السوبر and a place or nisba adjective, a year after مونديال) become one
//!   `MISC` mention that replaces the mentions inside it (دوري أبطال أوروبا, where the model
//!   tagged أوروبا `LOC`; see `src/ner/competitions.rs`).
//! - `titled_names = false`: do not tag Arabic names after a title (on by default): a definite
//!   title noun (`data/lists/person-titles-ar.tsv`: الرئيس, العالم, الكاتب, المدرب...), one or
//!   two definite nisba adjectives, and an untagged word of the personal-name list or a rare
//!   word, without the article or a proclitic, make that word (and up to two more such words) a
//!   `PER` mention (العالم الألماني هيزنبرج; see `src/ner/titled_names.rs`); and a title at the
//!   start of the model's `PER` mention is left out of it (الأميرة ديانا → ديانا), or the mention
//!   dropped when the title is all of it (للإمام).
//! - `case_check = false`: keep the English model's all-lowercase mentions in edited text and
//!   its `LOC` mentions in capitals (on by default, the check drops the first where most
//!   sentences start with a capital letter: on web pages they are nearly all everyday words,
//!   mindfulness, blockchain; and the second unless they name a known place: AI, SEO and USB
//!   go, US, NYC and ITALY stay; it also drops the model's mentions of programming identifiers,
//!   words with an inner underscore such as send_sms, but not user names after `@`, and of
//!   code, one identifier called or reached as an attribute (the Errorf of `fmt.Errorf("…")`);
//!   and its one-word mentions in title case that the document writes in lowercase at least
//!   as often (a heading's Analytics); and a company's legal form (LLC, Inc.) makes the name
//!   it ends an `ORG`, joining a lone suffix to the name before it; and its one-word mentions
//!   of days of the week, the Fri of "Date: Fri, 1 Feb 2002", and of contractions of pronouns
//!   and adverbs, Let’s, It’s, There’s, are dropped; and its one-word `PER` and `LOC`
//!   mentions written in camel case, BaseModel, TikTok, are dropped on a page of code and
//!   relabelled `ORG` elsewhere, and on a page of code its one-word mentions in lower camel
//!   case, useState, are dropped; see `src/ner/casing.rs`).
//! - `tech_terms = false`: keep the English model's mentions of technical terms as they are
//!   (on by default, English documents, and the Latin-script words of Arabic documents: a
//!   model's mention that is exactly a term of
//!   `data/lists/technical-terms-en.tsv` is dropped when the term is a generic word or acronym,
//!   API, VPN, CSS; relabelled `MISC` when it names software or a programming language, Python,
//!   Linux, and, for names that are also words, people or places, Rust, Java, only from `PER` or
//!   `LOC` in a document about programming; and a software or online-service company the
//!   model took for a person or a place, Shopify, Cloudflare, relabelled `ORG`; see
//!   `src/ner/tech_terms.rs`; a term written all in capitals, UNIX, is the term; in Arabic
//!   documents, the Arabic spellings of the list's software names, لينكس, ويندوز, and companies,
//!   هواوي, سوني, become `MISC` and `ORG` mentions where untagged and give their label to the
//!   model's mention of exactly one (a company's only to a person or a place); see
//!   `src/ner/tech_names_ar.rs`; so do the list's own Latin-script names that no mention
//!   covers there, نظام Solaris; a software name's mention there widens to the whole
//!   Latin-script name around it, Solaris 9, GNU / Linux, see `src/ner/software_names.rs`;
//!   and a software name or standard after an organisation head, لجنة POSIX, is not
//!   relabelled `ORG`).
//! - `latin_runs = true`: tag the runs of Latin-script words in Arabic documents with the
//!   English model and the English rules above (موقع Middle East Eye, يونكس (UNIX)) instead
//!   of the Arabic model, which knows little of Latin script; the Arabic phrase rules below
//!   then see those mentions too. Off by default: the English model, reading each run alone,
//!   gets labels wrong that the Arabic context would settle, and decoding it costs about
//!   25 MB (models/README.md, "Latin-script runs"; `src/ner/latin_runs.rs`).
//!
//! Which mentions win where they overlap: user lists first, then the model, then the built-in
//! lists; but where a built-in list matches a name of two words or more on exactly the tokens
//! of a model mention (proclitics alike), the model's mention takes the list's label (هونغ كونغ
//! `LOC`, not the person the model read; European Union `ORG`, not `LOC`). A list mention has
//! score 1; a model mention has the model's calibrated confidence.
//! Organisation phrases come last: each replaces the mentions inside it (of any origin, user
//! lists included), has origin `list` and the lowest score of the mentions it replaces.
//! In Arabic documents a mention of the model made only of common nouns borrowed from English
//! (the ميديا of السوشيال ميديا, tagged a place) is dropped (`src/ner/loanwords.rs`).
//! A mention of the Arabic model made of a name and its Latin spelling is cut in two
//! (دونالد ترامب Donald Trump: two mentions, each with the label). In Arabic documents a `PER`
//! mention takes in a Persian or Turkish surname ending written as a word of its own right after
//! it (محسن فخري زادة, داود أوغلو). A mention of the Arabic model made only of lowercase Latin
//! words (the shell of C shell) is dropped unless the technical terms name it (systemd).
//!
//! Mentions leave out Arabic proclitics attached to their first word (لقوات سوريا الديمقراطية →
//! قوات سوريا الديمقراطية): for list matches as matched, for model mentions when the word
//! without the proclitics is the more frequent word (see `Lexicon::best_split`). They leave out
//! an English possessive split off their last word (Google’s → Google) when the document also
//! writes that word alone, and keep it when it never does (McDonald’s); either way the token
//! keeps its BIO tag.
//! Lists are read once when the stage is built; processing does no I/O.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::document::{BioTag, Document, Entity, EntityLabel, EntityOrigin, Token, TokenKind};
use crate::ner::arabic_names::ArabicNames;
use crate::ner::casing::{
    MIN_CODE_CALLS, PlaceAbbreviations, has_identifier_underscore, is_all_lowercase, is_camel_case,
    is_capital_abbreviation, is_code_call, is_code_reference, is_common_in_document,
    is_company_name_word, is_company_suffix, is_contraction_host, is_determiner, is_edited_casing,
    is_function_word, is_lower_camel_case, is_title_word, is_weekday_name,
};
use crate::ner::competitions::{CompetitionPhrase, find_competitions, may_hold_competition};
use crate::ner::disease_context::{DiseaseNouns, ModelMention};
use crate::ner::features::Prepared;
use crate::ner::hash::{FxHashMap, FxHashSet, hash_str};
use crate::ner::latin_runs::{latin_runs, run_document};
use crate::ner::lists::{EntityList, ListMatch};
use crate::ner::loanwords::is_borrowed_common_noun;
use crate::ner::model::{NerModel, Scratch};
use crate::ner::org_phrases::{
    HeadNouns, OrgPattern, PatternSet, Tagged, find_org_phrases, find_org_relabels, is_quote_key,
};
use crate::ner::place_context::{ContextTowns, TokenMention};
use crate::ner::software_names::software_name;
use crate::ner::tags::tag_of;
use crate::ner::tech_names_ar;
use crate::ner::tech_terms::{TechTerms, TermAction, Verdict};
use crate::ner::text::{Script, initials_agree, match_key, match_key_into, script_of, skip_chars};
use crate::ner::titled_names::{NameWord, TitleNouns};
use crate::stage::{Stage, StageError};
use crate::tokenize::chars::is_digit;

/// Options of the `entities` stage (the `[entities]` table of a pipeline file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesOptions {
    /// User entity lists (TSV `phrase<TAB>label`), relative to `base_dir`.
    pub lists: Vec<String>,
    /// Directory that relative paths are resolved against (set by the pipeline loader to the
    /// pipeline file's directory).
    pub base_dir: Option<PathBuf>,
    /// Match the built-in lists (CLDR territories and cities, GeoNames towns). On by default.
    pub builtin_lists: bool,
    /// Use the statistical models. On by default.
    pub models: bool,
    /// Arabic model file to use instead of the built-in one (relative to `base_dir`).
    pub model_ar: Option<String>,
    /// English model file to use instead of the built-in one (relative to `base_dir`).
    pub model_en: Option<String>,
    /// One sense per document: a word the model tagged alone as a mention is tagged the same
    /// wherever else it occurs alone in the document (a common word only when the model tagged
    /// most of its occurrences). On by default.
    pub propagate: bool,
    /// Organisation phrases headed by a generic organisation noun (Arabic). On by default.
    pub org_phrases: bool,
    /// The organisation phrase patterns to use (names from `OrgPattern::name`).
    pub org_patterns: Vec<String>,
    /// Arabic town names that are also everyday words (الباب, الطبقة), tagged `LOC` after a
    /// place noun (مدينة الباب, منطقتي منبج والطبقة), and the model's mentions after such a noun
    /// relabelled `LOC` (بلدة معرة النعمان); part of the built-in lists. On by default.
    pub context_towns: bool,
    /// Arabic names after a disease noun (فيروس كورونا, مرض إيبولا) are diseases: the model's
    /// mention there, and its other mentions starting with the same word, are relabelled `MISC`.
    /// On by default.
    pub disease_names: bool,
    /// In English documents of edited text (most sentences start with a capital letter), drop
    /// the model's mentions written all in lowercase; in English documents, drop its `LOC`
    /// mentions written as capital abbreviations that name no known place (AI, USB), and its
    /// mentions of programming identifiers (send_sms, but not @user_name) and of code (the
    /// Errorf of `fmt.Errorf("…")`), and its one-word title-case mentions of words the document
    /// writes in lowercase at least as often; make a name ending in a company's legal form an
    /// `ORG` (Top Shelf Labor Services LLC), and drop its one-word mentions of days of the
    /// week (the Fri of a date) and of contractions of pronouns (Let’s), and drop on a page of
    /// code, or relabel `ORG` elsewhere, its one-word `PER` and `LOC` mentions in camel case
    /// (BaseModel, TikTok), and on a page of code its one-word mentions in lower camel case
    /// (useState; see `crate::ner::casing`). On by default.
    pub case_check: bool,
    /// In English and Arabic documents, the model's mentions of technical terms
    /// (`data/lists/technical-terms-en.tsv`): generic words and acronyms are dropped (API,
    /// VPN), names of software and programming languages relabelled `MISC` (Python; Rust and
    /// Java only from `PER` or `LOC` in a document about programming), and companies taken
    /// for people or places relabelled `ORG` (Shopify; see `crate::ner::tech_terms`). On by
    /// default.
    pub tech_terms: bool,
    /// In Arabic documents, runs of Latin-script words (Middle East Eye, UNIX) are tagged by
    /// the English model, with the English rules, instead of the Arabic model (see
    /// `crate::ner::latin_runs`). Off by default (models/README.md, "Latin-script runs").
    pub latin_runs: bool,
    /// In Arabic documents, a sports competition's name (كأس العالم, دوري أبطال أوروبا) becomes
    /// one `MISC` mention that replaces the mentions inside it (see
    /// `crate::ner::competitions`). On by default.
    pub competitions: bool,
    /// In Arabic documents, an untagged word that reads as a name after a title and a nisba
    /// adjective (العالم الألماني هيزنبرج) becomes a `PER` mention (see
    /// `crate::ner::titled_names`). On by default.
    pub titled_names: bool,
}

/// The organisation phrase patterns on by default (models/README.md, "Organisation phrases").
pub const DEFAULT_ORG_PATTERNS: &[&str] = &[
    "head-name-nisba",
    "head-relabel-doc",
    "media-relabel",
    "media-word",
    "education-name",
    "media-tail",
];

impl Default for EntitiesOptions {
    fn default() -> Self {
        EntitiesOptions {
            lists: Vec::new(),
            base_dir: None,
            builtin_lists: true,
            models: true,
            model_ar: None,
            model_en: None,
            propagate: true,
            org_phrases: true,
            org_patterns: DEFAULT_ORG_PATTERNS.iter().map(|p| p.to_string()).collect(),
            context_towns: true,
            disease_names: true,
            case_check: true,
            tech_terms: true,
            latin_runs: false,
            competitions: true,
            titled_names: true,
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
    model_ar: ModelSlot,
    model_en: ModelSlot,
    propagate: bool,
    /// Head nouns of Arabic organisation phrases.
    org_heads: HeadNouns,
    /// The organisation phrase patterns in use (empty: off).
    org_patterns: PatternSet,
    /// Towns tagged after a place noun (Arabic), when on.
    context_towns: Option<Arc<ContextTowns>>,
    /// Disease nouns whose following name is relabelled `MISC` (Arabic), when on.
    disease_nouns: Option<Arc<DiseaseNouns>>,
    /// Drop the English model's all-lowercase mentions in edited text, and its `LOC` mentions
    /// in capitals that name no known place.
    case_check: bool,
    /// The capital abbreviations that name places (for `case_check`).
    place_abbreviations: Arc<PlaceAbbreviations>,
    /// Technical terms the English model's mentions are checked against, when on.
    tech_terms: Option<Arc<TechTerms>>,
    /// Arabic spellings of the technical terms' software and company names (with `tech_terms`).
    tech_names_ar: Option<Arc<ArabicNames>>,
    /// The news agencies of Arabic datelines (with the built-in lists; see
    /// `crate::ner::arabic_names`).
    news_agencies: Option<Arc<ArabicNames>>,
    /// Car makers (with the built-in lists; see `crate::ner::arabic_names`).
    car_makers: Option<Arc<ArabicNames>>,
    /// Tag the Latin-script runs of Arabic documents with the English model.
    latin_runs: bool,
    /// Make Arabic competition names (كأس العالم) one `MISC` mention.
    competitions: bool,
    /// Title nouns before people's names (Arabic), when on.
    titled_names: Option<Arc<TitleNouns>>,
}

/// The model of one language.
#[derive(Debug, Clone)]
enum ModelSlot {
    /// Models are off.
    Off,
    /// A model file named in the options, loaded when the stage is built (a bad file fails the
    /// run at once).
    Loaded {
        model: Arc<NerModel>,
        /// The built-in list of the language equals the model's own list (its matches serve
        /// the model's list features too).
        shares_list: bool,
    },
    /// The built-in model, decoded at the first document of its language (about 40 ms), so
    /// a corpus in one language never decodes the other.
    Builtin {
        lang: &'static str,
        /// As in `Loaded`, found out at first use.
        shares_list: OnceLock<bool>,
    },
}

impl ModelSlot {
    /// The model and whether `builtin` is its own list; `None` when models are off.
    fn get(&self, builtin: &EntityList) -> Result<Option<(Arc<NerModel>, bool)>, StageError> {
        match self {
            ModelSlot::Off => Ok(None),
            ModelSlot::Loaded { model, shares_list } => Ok(Some((model.clone(), *shares_list))),
            ModelSlot::Builtin { lang, shares_list } => {
                let model = builtin_model(lang).map_err(|e| StageError::new("model", e))?;
                let shares = *shares_list.get_or_init(|| model.list() == builtin);
                Ok(Some((model, shares)))
            }
        }
    }
}

/// The Arabic model shipped in `models/` (trained by `make models`).
static BUILTIN_MODEL_AR: &[u8] = include_bytes!("../../models/ner-ar.bin");
/// The English model shipped in `models/`.
static BUILTIN_MODEL_EN: &[u8] = include_bytes!("../../models/ner-en.bin");

/// The built-in model of a language, decoded once per process.
pub fn builtin_model(lang: &str) -> Result<Arc<NerModel>, String> {
    static AR: OnceLock<Result<Arc<NerModel>, String>> = OnceLock::new();
    static EN: OnceLock<Result<Arc<NerModel>, String>> = OnceLock::new();
    let (cell, bytes) = match lang {
        "ar" => (&AR, BUILTIN_MODEL_AR),
        "en" => (&EN, BUILTIN_MODEL_EN),
        other => return Err(format!("no built-in NER model for `{other}`")),
    };
    cell.get_or_init(|| {
        NerModel::from_bytes(bytes)
            .map(Arc::new)
            .map_err(|e| format!("built-in {lang} NER model: {e}"))
    })
    .clone()
}

fn model_slot(
    base: Option<&Path>,
    path: Option<&str>,
    lang: &'static str,
    builtin: &EntityList,
) -> Result<ModelSlot, String> {
    match path {
        Some(p) => {
            let model = Arc::new(NerModel::load(&resolve(base, p))?);
            let shares_list = model.list() == builtin;
            Ok(ModelSlot::Loaded { model, shares_list })
        }
        None => Ok(ModelSlot::Builtin {
            lang,
            shares_list: OnceLock::new(),
        }),
    }
}

thread_local! {
    /// Decoding buffers, one set per worker thread.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
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
        let tech_terms = match options.tech_terms {
            true => Some(Arc::new(TechTerms::builtin()?)),
            false => None,
        };
        let (builtin_ar, builtin_en, builtin_all) = if options.builtin_lists {
            (
                EntityList::builtin("ar"),
                EntityList::builtin("en"),
                EntityList::builtin_all(),
            )
        } else {
            Default::default()
        };
        let base = options.base_dir.as_deref();
        let (model_ar, model_en) = if options.models {
            (
                model_slot(base, options.model_ar.as_deref(), "ar", &builtin_ar)?,
                model_slot(base, options.model_en.as_deref(), "en", &builtin_en)?,
            )
        } else {
            (ModelSlot::Off, ModelSlot::Off)
        };
        let org_patterns = if options.org_phrases {
            PatternSet::parse(&options.org_patterns)
                .map_err(|e| format!("bad [entities] org_patterns: {e}"))?
        } else {
            PatternSet::NONE
        };
        let org_heads = if org_patterns.is_empty() {
            HeadNouns::default()
        } else {
            HeadNouns::builtin_ar()
        };
        Ok(EntitiesStage {
            user_list,
            builtin_ar,
            builtin_en,
            builtin_all,
            model_ar,
            model_en,
            propagate: options.propagate,
            org_heads,
            org_patterns,
            context_towns: (options.builtin_lists && options.context_towns)
                .then(|| Arc::new(ContextTowns::builtin())),
            disease_nouns: options
                .disease_names
                .then(|| Arc::new(DiseaseNouns::builtin())),
            case_check: options.case_check,
            place_abbreviations: Arc::new(PlaceAbbreviations::builtin()),
            tech_terms: tech_terms.clone(),
            tech_names_ar: match &tech_terms {
                Some(terms) => Some(Arc::new(tech_names_ar::builtin(terms)?)),
                None => None,
            },
            news_agencies: match options.builtin_lists {
                true => Some(Arc::new(ArabicNames::news_agencies()?)),
                false => None,
            },
            car_makers: match options.builtin_lists {
                true => Some(Arc::new(ArabicNames::car_makers()?)),
                false => None,
            },
            latin_runs: options.latin_runs,
            competitions: options.competitions,
            titled_names: options
                .titled_names
                .then(|| Arc::new(TitleNouns::builtin())),
        })
    }

    /// The model of a document's language (`None` for other languages or with models off),
    /// and whether the language's built-in list is the model's own list.
    fn model_for(&self, lang: Option<&str>) -> Result<Option<(Arc<NerModel>, bool)>, StageError> {
        match lang {
            Some("ar") => self.model_ar.get(&self.builtin_ar),
            Some("en") => self.model_en.get(&self.builtin_en),
            _ => Ok(None),
        }
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
struct Buffers {
    /// The matching keys of the document's tokens so far, one after the other.
    keys: String,
    /// Where each token's key ends in `keys`.
    key_ends: Vec<usize>,
    key: String,
    split: String,
    tags: Vec<usize>,
    margins: Vec<f32>,
}

impl Buffers {
    /// The matching key of each token of the document (after the first pass).
    fn document_keys(&self) -> Vec<&str> {
        let mut from = 0;
        self.key_ends
            .iter()
            .map(|&to| {
                let key = &self.keys[from..to];
                from = to;
                key
            })
            .collect()
    }
}

/// The list matches of one sentence, kept between the two passes over a document.
struct SentenceMatches {
    start: usize,
    end: usize,
    user: Vec<ListMatch>,
    list: Vec<ListMatch>,
}

/// What a sentence is matched against, and where it is.
struct SentenceContext<'a> {
    builtin: &'a EntityList,
    /// `builtin` is the model's own list.
    shares_list: bool,
    model: Option<&'a NerModel>,
    start: usize,
    end: usize,
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
        let found = self.mentions(doc)?;
        let strip = possessives_to_leave_out(doc, &found);
        for (k, (offset, c)) in found.into_iter().enumerate() {
            push_entity(doc, offset, c, strip.get(k).copied().unwrap_or(false));
        }
        Ok(())
    }
}

impl EntitiesStage {
    /// The mentions of `doc` in the language it is routed by (`Document::lang`), as
    /// (sentence start, candidate) sorted by first token, overlaps resolved.
    fn mentions(&self, doc: &Document) -> Result<Vec<(usize, Candidate)>, StageError> {
        let builtin = self.builtin_for(doc.lang.as_deref());
        let chosen = self.model_for(doc.lang.as_deref())?;
        let shares_list = chosen.as_ref().is_some_and(|(_, shares)| *shares);
        let model = chosen.as_ref().map(|(m, _)| &**m);
        let mut buffers = Buffers::default();
        let mut found: Vec<(usize, Candidate)> = Vec::new();
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if let Some(model) = model {
                model.begin_document(&mut scratch);
            }
            // First pass: list matches and the model's emission scores, sentence by sentence.
            let mut sentences = Vec::new();
            for (start, end) in sentence_spans(&doc.tokens) {
                let context = SentenceContext {
                    builtin,
                    shares_list,
                    model,
                    start,
                    end,
                };
                sentences.push(self.first_pass(doc, &context, &mut buffers, &mut scratch));
            }
            // Second pass: the model's tags (with the document-level stage when the model has
            // one), and the choice among overlapping mentions.
            if let Some(model) = model {
                model.finish_document(&mut scratch);
            }
            for m in sentences {
                self.second_pass(doc, model, m, &mut buffers, &mut scratch, &mut found);
            }
            if let Some(model) = model.filter(|_| self.propagate) {
                let cores = model.document_cores(&scratch);
                propagate(doc, model, cores, &mut found);
            }
            scratch.release_large_buffers();
        });
        drop_symbol_mentions(doc, &mut found);
        if self.case_check && model.is_some_and(|m| m.lang == "en") {
            drop_lowercase_mentions(doc, self.tech_terms.as_deref(), &mut found);
            drop_common_words(doc, self.tech_terms.as_deref(), &mut found);
            drop_unknown_place_abbreviations(doc, builtin, &self.place_abbreviations, &mut found);
            drop_identifiers(doc, &mut found);
            drop_weekdays(doc, &mut found);
            drop_contractions(doc, &mut found);
            camel_case_names(doc, self.tech_terms.as_deref(), &mut found);
            company_suffixes(doc, &mut found);
        }
        if model.is_some_and(|m| m.lang == "ar") {
            split_name_glosses(doc, &mut found);
            drop_lowercase_latin_mentions(doc, self.tech_terms.as_deref(), &mut found);
            relabel_latin_codes(doc, &mut found);
        }
        if let Some(terms) = &self.tech_terms
            && model.is_some_and(|m| m.lang == "en" || m.lang == "ar")
        {
            apply_tech_terms(doc, terms, &mut found);
        }
        if doc.lang.as_deref() == Some("ar") {
            let keys = buffers.document_keys();
            drop_borrowed_common_nouns(&keys, &mut found);
            if let Some(titles) = &self.titled_names {
                trim_person_titles(&keys, titles, &mut found);
            }
            if let Some(names) = &self.tech_names_ar {
                arabic_names(doc, &keys, names, &mut found);
            }
            if let Some(agencies) = &self.news_agencies {
                arabic_names(doc, &keys, agencies, &mut found);
            }
            if let Some(makers) = &self.car_makers {
                car_models(doc, &keys, makers, &mut found);
                arabic_names(doc, &keys, makers, &mut found);
            }
            if let Some(terms) = &self.tech_terms {
                latin_tech_terms(doc, terms, &mut found);
                widen_software_names(doc, terms, &mut found);
            }
            if self.latin_runs {
                self.tag_latin_runs(doc, &mut found)?;
            }
            if !self.org_patterns.is_empty() {
                let heads = &self.org_heads;
                let terms = self.tech_terms.as_deref();
                org_phrases(doc, &keys, heads, self.org_patterns, terms, &mut found);
            }
            if self.competitions {
                competition_names(doc, &keys, &mut found);
            }
            if let Some(towns) = &self.context_towns {
                tag_context_towns(doc, &keys, towns, &mut found);
            }
            if let Some(nouns) = &self.disease_nouns {
                relabel_disease_names(doc, &keys, nouns, &mut found);
            }
            if let (Some(titles), Some(model)) = (&self.titled_names, model) {
                titled_names(doc, &keys, model, titles, &mut found);
            }
            join_name_suffixes(doc, &keys, &mut found);
            join_club_names(&keys, &mut found);
        }
        Ok(found)
    }

    /// Runs of Latin-script words in an Arabic document (see `crate::ner::latin_runs`) are
    /// tagged by the English model, with the English rules (case check, technical terms): the
    /// runs are laid out as an English document of their own, one run a sentence, and its
    /// mentions replace the Arabic model's mentions that lie wholly inside a run. An Arabic
    /// mention that reaches across a run's edge is kept, and the English mentions it overlaps
    /// are not added. Nothing changes when the English model is off.
    fn tag_latin_runs(
        &self,
        doc: &Document,
        found: &mut Vec<(usize, Candidate)>,
    ) -> Result<(), StageError> {
        let runs = latin_runs(doc);
        if runs.is_empty() || self.model_for(Some("en"))?.is_none() {
            return Ok(());
        }
        let (sub, origin) = run_document(doc, &runs, "en");
        let english = self.mentions(&sub)?;
        let run_of = |tok: usize| {
            let i = runs.partition_point(|&(_, end)| end <= tok);
            runs.get(i).filter(|&&(start, _)| start <= tok).copied()
        };
        found.retain(|(offset, c)| {
            let (first, last) = (offset + c.m.tok_start, offset + c.m.tok_end - 1);
            !matches!(run_of(first), Some((_, end)) if last < end)
        });
        let mut added = Vec::new();
        for (offset, mut c) in english {
            let (first, last) = (offset + c.m.tok_start, offset + c.m.tok_end - 1);
            let (Some(&a), Some(&b)) = (origin.get(first), origin.get(last)) else {
                continue;
            };
            // A mention must map onto consecutive tokens of one run.
            if b - a != last - first || run_of(a) != run_of(b) {
                continue;
            }
            let overlaps = found.iter().any(|(o, k)| {
                let (s, e) = (o + k.m.tok_start, o + k.m.tok_end);
                s <= b && a < e
            });
            if overlaps {
                continue;
            }
            c.m.tok_end -= c.m.tok_start;
            c.m.tok_start = 0;
            c.m.stripped = 0;
            added.push((a, c));
        }
        add_mentions(found, added);
        Ok(())
    }
}

/// Words above this frequency band (Zipf × 10) are common words: propagation tags them only
/// under the stricter rule of [`frequent_word_carries`].
const PROPAGATE_MAX_BAND: u8 = 40;

/// The fewest one-word mentions of the model a common word's form (above
/// [`PROPAGATE_MAX_BAND`]) must be, in one document, before propagation tags its other
/// occurrences.
const FREQUENT_MIN_TAGGED: u32 = 2;

/// Whether a common word's form that the model tagged alone `tagged` times, and that stands
/// outside every mention `untagged` times, in one document, is a name there: tagged at least
/// [`FREQUENT_MIN_TAGGED`] times and in at least two thirds of its occurrences. A name that is common in general (داعش is at Zipf 5.1
/// in the Arabic word-frequency list, as frequent as many function words) is then tagged
/// where the model missed it (the headline's مرحلة ما بعد داعش), while an everyday word the
/// model tagged once, or in a minority of its uses, stays untouched.
fn frequent_word_carries(tagged: u32, untagged: u32) -> bool {
    tagged >= FREQUENT_MIN_TAGGED && tagged >= 2 * untagged
}

/// The hash of a word's core (its matching key without proclitics, as the lexicon reads it,
/// and without the article when two or more code points remain) and the frequency band of
/// its key. `key` and `split` are scratch space.
fn core_and_band(model: &NerModel, word: &str, key: &mut String, split: &mut String) -> (u64, u8) {
    match_key_into(word, key);
    let band = model.lexicon.freq(hash_str(key));
    let s = model.lexicon.best_split(key, split);
    let core = match s.rest.strip_prefix("ال") {
        Some(c) if c.chars().nth(1).is_some() => c,
        _ => s.rest,
    };
    (hash_str(core), band)
}

/// One sense per document: a word the model tagged, on its own, as a mention of one label is
/// tagged so wherever else it occurs alone in the document (outside other mentions). Matching
/// is on the word without proclitics and article (its core), so الليكود and والليكود agree. A
/// common word is matched on its whole form instead (proclitics included: صالح the name is no
/// evidence for لصالح, "in favour of") and tagged only where the model tagged most of that
/// form's occurrences alone ([`frequent_word_carries`]); in Arabic only (a script without
/// letter case), other languages leave common words alone. The added mentions take the lowest
/// score of the mentions they copy, halved. `cores` holds each token's core hash and frequency
/// band when the model's features computed them (they are computed here otherwise).
fn propagate(
    doc: &Document,
    model: &NerModel,
    cores: Option<&[(u64, u8)]>,
    found: &mut Vec<(usize, Candidate)>,
) {
    let mut key = String::new();
    let mut split = String::new();
    let core_of = |i: usize, key: &mut String, split: &mut String| -> (u64, u8) {
        match cores {
            Some(cores) => cores[i],
            None => {
                let t = &doc.tokens[i];
                core_and_band(model, doc.slice(t.byte_start, t.byte_end), key, split)
            }
        }
    };
    // The hash of a token's whole matching key.
    let form_of = |i: usize, key: &mut String| -> u64 {
        let t = &doc.tokens[i];
        match_key_into(doc.slice(t.byte_start, t.byte_end), key);
        hash_str(key)
    };
    // Common words are propagated only in Arabic: matching keys fold letter case, so in a
    // cased script a common form joins words a reader tells apart (US and us: the English
    // model's LOC spread to the pronoun on WCXB pages).
    let common_words = model.lang == "ar";
    // core → (label, lowest score), or None when the document disagrees about the word.
    let mut seen: FxHashMap<u64, Option<(EntityLabel, f32)>> = FxHashMap::default();
    // A common word's form → (one-word mentions of the model, occurrences outside mentions).
    let mut common_forms: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
    let mut covered = vec![false; doc.tokens.len()];
    for (offset, c) in found.iter() {
        let (a, b) = (offset + c.m.tok_start, offset + c.m.tok_end);
        covered[a..b].fill(true);
        if c.origin != EntityOrigin::Model {
            continue;
        }
        // The word itself, or the last word of a longer mention (the surname of a person,
        // the name in حزب الليكود).
        let (core, band) = core_of(b - 1, &mut key, &mut split);
        let entry = seen.entry(core).or_insert(Some((c.m.label, c.score)));
        *entry = match *entry {
            Some((label, score)) if label == c.m.label => Some((label, score.min(c.score))),
            _ => None,
        };
        if common_words && b - a == 1 && band > PROPAGATE_MAX_BAND {
            common_forms.entry(form_of(a, &mut key)).or_default().0 += 1;
        }
    }
    if seen.is_empty() {
        return;
    }
    // The occurrences outside mentions of the words tagged: (token, label, score, and the
    // form when the word is common).
    let mut candidates = Vec::new();
    for (i, t) in doc.tokens.iter().enumerate() {
        if covered[i] || t.kind != TokenKind::Word {
            continue;
        }
        let (core, band) = core_of(i, &mut key, &mut split);
        let Some(Some((label, score))) = seen.get(&core) else {
            continue;
        };
        let form = if band > PROPAGATE_MAX_BAND {
            let form = form_of(i, &mut key);
            match common_forms.get_mut(&form) {
                Some(counts) => counts.1 += 1,
                None => continue,
            }
            Some(form)
        } else {
            None
        };
        candidates.push((i, *label, *score, form));
    }
    let mut added = Vec::new();
    for (i, label, score, form) in candidates {
        if let Some(form) = form {
            let (tagged, untagged) = common_forms.get(&form).copied().unwrap_or_default();
            if !frequent_word_carries(tagged, untagged) {
                continue;
            }
        }
        let t = &doc.tokens[i];
        match_key_into(doc.slice(t.byte_start, t.byte_end), &mut key);
        let stripped = model.lexicon.best_split(&key, &mut split).stripped;
        added.push((
            i,
            Candidate {
                m: ListMatch {
                    tok_start: 0,
                    tok_end: 1,
                    stripped,
                    label,
                },
                origin: EntityOrigin::Model,
                score: score * 0.5,
            },
        ));
    }
    add_mentions(found, added);
}

/// The indices in `found` (sorted by first token) of the mentions that start before token `end`,
/// from `*next` on; `*next` moves past them. Called with each sentence's end in turn, it gives
/// each sentence's mentions.
fn sentence_mentions(found: &[(usize, Candidate)], next: &mut usize, end: usize) -> Range<usize> {
    let first = *next;
    while *next < found.len() && found[*next].0 + found[*next].1.m.tok_start < end {
        *next += 1;
    }
    first..*next
}

/// A list's match as a mention: origin `list`, score 1.
fn list_mention(m: ListMatch) -> Candidate {
    Candidate {
        m,
        origin: EntityOrigin::List,
        score: 1.0,
    }
}

/// Adds `added` to `found`, keeping `found` sorted by first token.
fn add_mentions(found: &mut Vec<(usize, Candidate)>, added: Vec<(usize, Candidate)>) {
    if added.is_empty() {
        return;
    }
    found.extend(added);
    found.sort_by_key(|(offset, c)| offset + c.m.tok_start);
}

/// Writes into `out` (cleared first) the mentions `in_sentence` of the sentence starting at
/// token `start`, as the phrase finders read them: token positions relative to the sentence.
fn sentence_tagged(in_sentence: &[(usize, Candidate)], start: usize, out: &mut Vec<Tagged>) {
    out.clear();
    out.extend(in_sentence.iter().map(|(offset, c)| Tagged {
        tok_start: offset + c.m.tok_start - start,
        tok_end: offset + c.m.tok_end - start,
        label: c.m.label,
        stripped: c.m.stripped,
    }));
}

/// Organisation phrases (see `crate::ner::org_phrases`): in each sentence, a head noun and
/// what names it become one `ORG` mention, which replaces the chosen mentions inside it.
///
/// The phrase's origin is `list`: it exists because its first word is in the built-in list of
/// head nouns, and its span is set by rules, not by the model's tags (the model, trained on
/// ANERcorp, leaves these heads outside its mentions). Its score is the lowest score of the
/// mentions it replaces (the head adds no doubt of its own: it is a list word, like any list
/// match), or 1, like other list matches, when it replaces none.
///
/// Before the phrases, with `head-relabel` or `head-relabel-doc`, a `MISC` mention of the
/// model right after an indefinite head (or between quotation marks right after it) is
/// relabelled `ORG`, span, origin and score unchanged; with `head-relabel-doc`, so is every
/// other `MISC` mention of the model in the document with the same words, and the same words
/// untagged right after another head become an `ORG` mention (see `carry_org_relabels`).
///
/// A mention that is a software name or standard of the technical terms (`terms`, action
/// `MISC`: POSIX, Linux) keeps its label: after a head it names what the organisation is built
/// around (لجنة POSIX, the committee of the POSIX standard), and relabelling it would carry
/// `ORG` to every other mention of the standard in the document.
///
/// `keys[i]` is the matching key of token `i`; `found` holds mentions as (sentence start,
/// candidate) sorted by first token, and is left so.
fn org_phrases(
    doc: &Document,
    keys: &[&str],
    heads: &HeadNouns,
    patterns: PatternSet,
    terms: Option<&TechTerms>,
    found: &mut Vec<(usize, Candidate)>,
) {
    let mut out: Vec<(usize, Candidate)> = Vec::with_capacity(found.len());
    let mut tagged: Vec<Tagged> = Vec::new();
    let mut buf = String::new();
    // The words of the mentions relabelled `ORG` (for `head-relabel-doc`).
    let mut relabelled: Vec<(String, f32)> = Vec::new();
    let mut next = 0;
    for (start, end) in sentence_spans(&doc.tokens) {
        // This sentence's mentions, relative to its first token.
        let in_sentence = sentence_mentions(found, &mut next, end);
        if in_sentence.is_empty() && !patterns.needs_no_mention() {
            continue;
        }
        sentence_tagged(&found[in_sentence.clone()], start, &mut tagged);
        // Relabelling comes first, so that a phrase pattern sees the new label. Only the
        // model's labels are changed: a list's label is what its writer meant.
        for m in find_org_relabels(heads, patterns, &keys[start..end], &tagged, &mut buf) {
            let (offset, c) = &mut found[in_sentence.start + m];
            if c.origin != EntityOrigin::Model || names_software(doc, terms, *offset, c) {
                continue;
            }
            tagged[m].label = EntityLabel::Org;
            c.m.label = EntityLabel::Org;
            relabelled.push((mention_words(keys, *offset, &c.m), c.score));
        }
        let mentions = &found[in_sentence];
        let phrases = find_org_phrases(heads, patterns, &keys[start..end], &tagged, &mut buf);
        let mut phrases = phrases.into_iter().peekable();
        let mut mentions = tagged.iter().zip(mentions).peekable();
        // Merge the phrases and the mentions outside them, in order.
        loop {
            let phrase = phrases.peek().copied();
            let mention = mentions.peek().map(|(t, m)| (**t, **m));
            match (phrase, mention) {
                (None, None) => break,
                (Some(p), Some((t, m))) if t.tok_start < p.tok_start => {
                    out.push(m);
                    mentions.next();
                }
                (None, Some((_, m))) => {
                    out.push(m);
                    mentions.next();
                }
                (Some(p), _) => {
                    let mut score = f32::INFINITY;
                    while let Some((t, m)) = mentions.peek() {
                        if t.tok_start >= p.tok_end {
                            break;
                        }
                        score = score.min(m.1.score);
                        mentions.next();
                    }
                    out.push((
                        start,
                        Candidate {
                            m: ListMatch {
                                tok_start: p.tok_start,
                                tok_end: p.tok_end,
                                stripped: p.stripped,
                                label: EntityLabel::Org,
                            },
                            origin: EntityOrigin::List,
                            score: if score.is_finite() { score } else { 1.0 },
                        },
                    ));
                    phrases.next();
                }
            }
        }
    }
    if patterns.has(OrgPattern::HeadRelabelDoc) && !relabelled.is_empty() {
        carry_org_relabels(doc, keys, heads, relabelled, &mut out);
    }
    *found = out;
}

/// Whether candidate `c` (of the sentence starting at token `offset`) is exactly a software
/// name or standard of `terms` (action `MISC` or `MISC-code`).
fn names_software(doc: &Document, terms: Option<&TechTerms>, offset: usize, c: &Candidate) -> bool {
    let Some(terms) = terms else {
        return false;
    };
    let text = mention_text(doc, offset + c.m.tok_start, offset + c.m.tok_end);
    terms
        .lookup(&text)
        .is_some_and(|(_, t)| matches!(t.action, TermAction::Misc | TermAction::MiscInCode))
}

/// Competition names (see `crate::ner::competitions`): in each sentence, a competition's head
/// noun and what completes its name become one `MISC` mention, which replaces the chosen
/// mentions inside it (دوري أبطال أوروبا, where the model tagged أوروبا `LOC`). Like an
/// organisation phrase, its origin is `list` (its head is a list word and rules set its span)
/// and its score the lowest of the mentions it replaces, or 1 when it replaces none.
///
/// `keys[i]` is the matching key of token `i`; `found` holds mentions as (sentence start,
/// candidate) sorted by first token, and is left so.
fn competition_names(doc: &Document, keys: &[&str], found: &mut Vec<(usize, Candidate)>) {
    let mut tagged: Vec<Tagged> = Vec::new();
    let mut buf = String::new();
    let mut phrases: Vec<(usize, CompetitionPhrase)> = Vec::new();
    let mut next = 0;
    for (start, end) in sentence_spans(&doc.tokens) {
        let in_sentence = sentence_mentions(found, &mut next, end);
        let Some(sentence_keys) = keys.get(start..end).filter(|k| may_hold_competition(k)) else {
            continue;
        };
        sentence_tagged(&found[in_sentence], start, &mut tagged);
        for p in find_competitions(sentence_keys, &tagged, &mut buf) {
            phrases.push((start, p));
        }
    }
    if phrases.is_empty() {
        return;
    }
    let mut added = Vec::with_capacity(phrases.len());
    for (start, p) in phrases {
        let (a, b) = (start + p.tok_start, start + p.tok_end);
        let mut score = f32::INFINITY;
        found.retain(|(offset, c)| {
            let inside = offset + c.m.tok_start >= a && offset + c.m.tok_end <= b;
            if inside {
                score = score.min(c.score);
            }
            !inside
        });
        added.push((
            start,
            Candidate {
                m: ListMatch {
                    tok_start: p.tok_start,
                    tok_end: p.tok_end,
                    stripped: p.stripped,
                    label: EntityLabel::Misc,
                },
                origin: EntityOrigin::List,
                score: if score.is_finite() { score } else { 1.0 },
            },
        ));
    }
    add_mentions(found, added);
}

/// Cuts a mention of the Arabic model made of a name and its Latin spelling (ريتشارد ستالمان
/// Richard Stallman, دونالد ترامب Donald Trump) in two, each part with the label and score of the
/// whole. Arabic text gives a foreign name's Latin spelling beside it as a gloss, and the model,
/// which has seen little Latin script, runs the two together; ANERcorp train has no mention that
/// mixes the scripts. A mention is cut only when its words switch script once, between a run of
/// Arabic words and a run of Latin words (words of neither script alone, digits or punctuation,
/// stay with the run before them) with as many words of letters each, whose first letters agree
/// pairwise ([`initials_agree`]). Other mixed mentions are left whole: a head noun and a Latin
/// name (راديو Sputnik) are no gloss. A second part keeps its attached proclitics (the model's
/// split is decided for the first word only).
///
/// AQMAR dev: the model made 23 mentions that mix scripts, none in the gold (models/README.md,
/// "Mentions across scripts"). `found` is sorted by first token, and is left so.
fn split_name_glosses(doc: &Document, found: &mut Vec<(usize, Candidate)>) {
    let word = |i: usize| doc.token_surface(&doc.tokens[i]);
    // Most documents have no gloss: nothing is copied then.
    let Some(first) = found
        .iter()
        .position(|(offset, c)| gloss_cut(&word, *offset, c).is_some())
    else {
        return;
    };
    let mut out: Vec<(usize, Candidate)> = Vec::with_capacity(found.len() + 1);
    out.extend_from_slice(&found[..first]);
    for &(offset, c) in &found[first..] {
        match gloss_cut(&word, offset, &c) {
            Some(cut) => {
                let (mut first, mut second) = (c, c);
                first.m.tok_end = cut;
                second.m.tok_start = cut;
                second.m.stripped = 0;
                out.push((offset, first));
                out.push((offset, second));
            }
            None => out.push((offset, c)),
        }
    }
    *found = out;
}

/// Where [`split_name_glosses`] cuts a mention (a token index relative to `offset`), if at all.
fn gloss_cut<'d>(word: &impl Fn(usize) -> &'d str, offset: usize, c: &Candidate) -> Option<usize> {
    if c.origin != EntityOrigin::Model || c.m.tok_end - c.m.tok_start < 2 {
        return None;
    }
    // Where the script switches, the first run's script, and the words of letters in each run.
    let lettered = |t: usize| {
        let s = script_of(word(offset + t));
        matches!(s, Script::Arabic | Script::Latin).then_some(s)
    };
    let (mut first_script, mut cut, mut counts) = (None, None, [0usize; 2]);
    for t in c.m.tok_start..c.m.tok_end {
        let Some(s) = lettered(t) else {
            continue;
        };
        match (first_script, cut) {
            (None, _) => first_script = Some(s),
            (Some(f), None) if f != s => cut = Some(t),
            (Some(f), Some(_)) if f == s => return None,
            _ => {}
        }
        counts[usize::from(cut.is_some())] += 1;
    }
    let cut = cut?;
    if counts[0] != counts[1] {
        return None;
    }
    let run = |tokens: Range<usize>| {
        tokens
            .filter(move |&t| lettered(t).is_some())
            .map(move |t| word(offset + t))
    };
    let (before, after) = (run(c.m.tok_start..cut), run(cut..c.m.tok_end));
    let agree = match first_script {
        Some(Script::Arabic) => before.zip(after).all(|(a, l)| initials_agree(a, l)),
        _ => after.zip(before).all(|(a, l)| initials_agree(a, l)),
    };
    agree.then_some(cut)
}

/// Drops the Arabic model's mentions written in Latin script all in lowercase (the shell of C
/// shell, the reactors of a gloss "(reactors)"): in Arabic text Latin words are glosses, names
/// and terms, and a name in Latin script has a capital; the model, which has seen little Latin
/// script, tags them by their place in the Arabic sentence. A term that `terms` names as
/// software or a company (systemd, npm) stays.
fn drop_lowercase_latin_mentions(
    doc: &Document,
    terms: Option<&TechTerms>,
    found: &mut Vec<(usize, Candidate)>,
) {
    found.retain(|(offset, c)| {
        if c.origin != EntityOrigin::Model {
            return true;
        }
        let (a, b) = (offset + c.m.tok_start, offset + c.m.tok_end);
        let latin_only = doc.tokens[a..b].iter().all(|t| {
            !matches!(
                script_of(doc.token_surface(t)),
                Script::Arabic | Script::Other
            )
        });
        if !latin_only {
            return true;
        }
        let text = tokens_text(doc, a, b);
        let named = || {
            terms
                .and_then(|t| t.lookup(text))
                .is_some_and(|(_, term)| term.action != TermAction::Drop)
        };
        !is_all_lowercase(text) || named()
    });
}

/// Relabels `MISC` the Arabic model's `PER` and `LOC` mentions that are one Latin-script word
/// mixing letters and digits (SVR4, MG4, x86): a version, model or standard, not a person or a
/// place. The model, which has seen little Latin script, reads such a word by its place in
/// the Arabic sentence (اصدار SVR4 as a person, like the name after a verb).
fn relabel_latin_codes(doc: &Document, found: &mut [(usize, Candidate)]) {
    for (offset, c) in found.iter_mut() {
        if c.origin != EntityOrigin::Model
            || !matches!(c.m.label, EntityLabel::Per | EntityLabel::Loc)
            || c.m.tok_end != c.m.tok_start + 1
        {
            continue;
        }
        let word = doc.token_surface(&doc.tokens[*offset + c.m.tok_start]);
        if is_latin_code(word) {
            c.m.label = EntityLabel::Misc;
        }
    }
}

/// Whether `word` is ASCII letters and digits only, with at least one of each (SVR4, 4BSD).
fn is_latin_code(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_alphanumeric())
        && word.bytes().any(|b| b.is_ascii_digit())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Persian and Turkish surname endings that Arabic writes as a word of their own (فخري زادة for
/// Fakhrizadeh, داود أوغلو for Davutoğlu), as matching keys.
const NAME_SUFFIX_WORDS: [&str; 3] = ["زاده", "اوغلو", "اغلو"];

/// Extends a `PER` mention over a surname ending written as a word of its own right after it
/// ([`NAME_SUFFIX_WORDS`]: محسن فخري زادة, which the model ends at فخري), when that word is in
/// the same sentence and in no mention. `keys[i]` is the matching key of token `i`; `found` is
/// sorted by first token, and is left so.
fn join_name_suffixes(doc: &Document, keys: &[&str], found: &mut [(usize, Candidate)]) {
    for k in 0..found.len() {
        let (offset, c) = found[k];
        let next = offset + c.m.tok_end;
        let free = found
            .get(k + 1)
            .is_none_or(|(o, n)| o + n.m.tok_start > next);
        if c.m.label == EntityLabel::Per
            && free
            && keys
                .get(next)
                .is_some_and(|key| NAME_SUFFIX_WORDS.contains(key))
            && doc.tokens[next].sent_idx == doc.tokens[next - 1].sent_idx
        {
            found[k].1.m.tok_end += 1;
        }
    }
}

/// Words that name a football club together with the city after them (ريال مدريد, أتلتيكو
/// مدريد, ديبورتيفو لاكورونيا), as matching keys: Spanish Real, Atlético (four spellings),
/// Athletic, Deportivo, Sporting (two), Racing, Olympique, Inter and Borussia.
const CLUB_PREFIXES: [&str; 13] = [
    "ريال",
    "اتلتيكو",
    "اتليتكو",
    "اتلتكو",
    "اتليتيكو",
    "اتلتيك",
    "ديبورتيفو",
    "سبورتنغ",
    "سبورتينغ",
    "راسينغ",
    "اولمبيك",
    "انتر",
    "بوروسيا",
];

/// Joins a club's name that the model cut in two: its one-word `ORG` mention of a club prefix
/// ([`CLUB_PREFIXES`], proclitics left out: وريال) and the `LOC` mention of the city right after
/// it in the same sentence become one `ORG` mention (ريال مدريد), with the lower score. ANERcorp
/// tags the two words one `ORG` (ريال مدريد 5 times of 6 in its training part, 5 of 7 in dev).
/// `keys[i]` is the matching key of token `i`; `found` is sorted by first token, and is left so.
fn join_club_names(keys: &[&str], found: &mut Vec<(usize, Candidate)>) {
    let mut k = 0;
    while k + 1 < found.len() {
        let ((offset, c), (next_offset, next)) = (found[k], found[k + 1]);
        let first = offset + c.m.tok_start;
        let joins = c.m.label == EntityLabel::Org
            && c.m.tok_end == c.m.tok_start + 1
            && next.m.label == EntityLabel::Loc
            && next_offset == offset
            && next.m.tok_start == c.m.tok_end
            && next.m.stripped == 0
            && keys
                .get(first)
                .is_some_and(|key| CLUB_PREFIXES.contains(&skip_chars(key, c.m.stripped)));
        if joins {
            let joined = &mut found[k].1;
            joined.m.tok_end = next.m.tok_end;
            joined.score = joined.score.min(next.score);
            found.remove(k + 1);
        }
        k += 1;
    }
}

/// Leaves a title out of the Arabic model's `PER` mention that starts with one (الأميرة ديانا →
/// ديانا), and drops a mention that is a title alone (للإمام): a title is no part of the name in
/// ANERcorp, whose training part tags these titles `O` (الرئيس all 171 times, الشيخ 49 of 53,
/// الإمام all 30), nor in the CoNLL convention. `keys[i]` is the matching key of token `i`;
/// `found` is sorted by first token, and is left so.
fn trim_person_titles(keys: &[&str], titles: &TitleNouns, found: &mut Vec<(usize, Candidate)>) {
    let mut buf = String::new();
    found.retain_mut(|(offset, c)| {
        if c.origin != EntityOrigin::Model || c.m.label != EntityLabel::Per {
            return true;
        }
        let first = *offset + c.m.tok_start;
        if !keys
            .get(first)
            .is_some_and(|k| titles.is_title(k, &mut buf))
        {
            return true;
        }
        c.m.tok_start += 1;
        c.m.stripped = 0;
        c.m.tok_start < c.m.tok_end
    });
}

/// Words of the Arabic model's lexicon below this frequency band (Zipf × 10) read as a name's
/// first word after a title phrase ([`titled_names`]), and below [`TITLED_LATER_MAX_BAND`] as a
/// later word.
const TITLED_FIRST_MAX_BAND: u8 = 35;

/// See [`TITLED_FIRST_MAX_BAND`].
const TITLED_LATER_MAX_BAND: u8 = 30;

/// A word of the personal-name list reads as a name's word after a title phrase below this band
/// (the list has words that are also function words: في and من are at 75).
const TITLED_NAME_MAX_BAND: u8 = 45;

/// People after a title phrase (see `crate::ner::titled_names`), sentence by sentence: an
/// untagged word that reads as a name, after a title noun and one or two nisba adjectives,
/// becomes a `PER` mention (origin `list`, score 1) with up to two more such words. A word reads
/// as a name when it has Arabic letters only, neither the article nor an attached proclitic in
/// the lexicon's reading ([`Lexicon::best_split`](crate::ner::lexicon::Lexicon::best_split)), and
/// is a word of the personal-name list below [`TITLED_NAME_MAX_BAND`] or rare: below
/// [`TITLED_FIRST_MAX_BAND`] as a first word, below [`TITLED_LATER_MAX_BAND`] as a later one.
/// `found` is sorted by first token, and is left so.
fn titled_names(
    doc: &Document,
    keys: &[&str],
    model: &NerModel,
    titles: &TitleNouns,
    found: &mut Vec<(usize, Candidate)>,
) {
    // Which tokens a mention covers, worked out at the first title phrase (most documents have
    // none).
    let mut covered: Option<Vec<bool>> = None;
    let mut split = String::new();
    let mut word = |i: usize, split: &mut String| -> NameWord {
        let covered = covered.get_or_insert_with(|| covered_tokens(doc, found));
        let key = keys[i];
        if covered[i]
            || key.starts_with("ال")
            || script_of(key) != Script::Arabic
            || model.lexicon.best_split(key, split).stripped > 0
        {
            return NameWord::No;
        }
        let hash = hash_str(key);
        let band = model.lexicon.freq(hash);
        let listed_name = model.lexicon.is_name(hash) && band < TITLED_NAME_MAX_BAND;
        if listed_name || band < TITLED_LATER_MAX_BAND {
            NameWord::Any
        } else if band < TITLED_FIRST_MAX_BAND {
            NameWord::First
        } else {
            NameWord::No
        }
    };
    let mut added: Vec<(usize, Candidate)> = Vec::new();
    for (start, end) in sentence_spans(&doc.tokens) {
        let Some(sentence_keys) = keys.get(start..end) else {
            continue;
        };
        let names = titles.find(sentence_keys, |i| word(start + i, &mut split));
        for (a, b) in names {
            added.push((
                start,
                list_mention(ListMatch {
                    tok_start: a,
                    tok_end: b,
                    stripped: 0,
                    label: EntityLabel::Per,
                }),
            ));
        }
    }
    add_mentions(found, added);
}

/// Arabic names with a known label (see `crate::ner::arabic_names`: the spellings of software
/// and company names, the news agencies), sentence by sentence: the model's mention that covers
/// exactly a name takes the name's label (an organisation's only from `PER` or `LOC`); a name
/// that no mention overlaps becomes a mention with its label (origin `list`, score 1); a name
/// that a mention overlaps otherwise is left to that mention.
///
/// `keys[i]` is the matching key of token `i`; `found` holds mentions as (sentence start,
/// candidate) sorted by first token, and is left so.
fn arabic_names(
    doc: &Document,
    keys: &[&str],
    names: &ArabicNames,
    found: &mut Vec<(usize, Candidate)>,
) {
    let mut added: Vec<(usize, Candidate)> = Vec::new();
    let mut surfaces: Vec<&str> = Vec::new();
    let mut next = 0;
    for (start, end) in sentence_spans(&doc.tokens) {
        let in_sentence = sentence_mentions(found, &mut next, end);
        let Some(sentence_keys) = keys
            .get(start..end)
            .filter(|k| k.iter().any(|key| names.may_start(key)))
        else {
            continue;
        };
        surfaces.clear();
        surfaces.extend(
            doc.tokens[start..end]
                .iter()
                .map(|t| doc.slice(t.byte_start, t.byte_end)),
        );
        for m in names.find(sentence_keys, &surfaces) {
            let (a, b) = (start + m.tok_start, start + m.tok_end);
            let mut overlapped = false;
            for (offset, c) in &mut found[in_sentence.clone()] {
                let (s, e) = (*offset + c.m.tok_start, *offset + c.m.tok_end);
                if s >= b || e <= a {
                    continue;
                }
                overlapped = true;
                let takes_label = match m.label {
                    EntityLabel::Org => matches!(c.m.label, EntityLabel::Per | EntityLabel::Loc),
                    _ => true,
                };
                if (s, e) == (a, b) && c.origin == EntityOrigin::Model && takes_label {
                    c.m.label = m.label;
                }
            }
            if !overlapped {
                added.push((start, list_mention(m)));
            }
        }
    }
    add_mentions(found, added);
}

/// Relabels `MISC` the model's `PER` and `LOC` mentions that start with a maker's name of
/// `makers` and go on after it (شيفروليه بولت, تويوتا كورولا): a make and model is a product.
/// `keys[i]` is the matching key of token `i`.
fn car_models(
    doc: &Document,
    keys: &[&str],
    makers: &ArabicNames,
    found: &mut [(usize, Candidate)],
) {
    for (offset, c) in found.iter_mut() {
        let (a, b) = (*offset + c.m.tok_start, *offset + c.m.tok_end);
        if c.origin != EntityOrigin::Model
            || !matches!(c.m.label, EntityLabel::Per | EntityLabel::Loc)
            || b - a < 2
            || !keys.get(a).is_some_and(|k| makers.may_start(k))
        {
            continue;
        }
        let surfaces: Vec<&str> = doc.tokens[a..b]
            .iter()
            .map(|t| doc.token_surface(t))
            .collect();
        let Some(mention_keys) = keys.get(a..b) else {
            continue;
        };
        if makers
            .find(mention_keys, &surfaces)
            .first()
            .is_some_and(|m| m.tok_start == 0 && m.tok_end < b - a)
        {
            c.m.label = EntityLabel::Misc;
        }
    }
}

/// Latin-script words of an Arabic document that no mention covers and that the technical terms
/// (`terms`) name as software (action `MISC`: Linux, Solaris) or as a technology company (action
/// `ORG`: Google) become mentions with that label (origin `list`, score 1), like their Arabic
/// spellings ([`arabic_names`]). The Arabic model has seen little Latin script and leaves
/// most such words untagged (نظام Solaris). The terms whose names are also words, people or
/// places (`MISC-code`, `ORG-code`: Rust, Stripe) are left alone, and so are the terms of more
/// than one word.
fn latin_tech_terms(doc: &Document, terms: &TechTerms, found: &mut Vec<(usize, Candidate)>) {
    let label_of = |i: usize| {
        // Every term starts with an ASCII letter: most tokens of an Arabic document stop here.
        let token = &doc.tokens[i];
        let word = doc.token_surface(token);
        if token.kind != TokenKind::Word
            || !word.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            || script_of(word) != Script::Latin
        {
            return None;
        }
        match terms.lookup(word)?.1.action {
            TermAction::Misc => Some(EntityLabel::Misc),
            TermAction::Org => Some(EntityLabel::Org),
            _ => None,
        }
    };
    // (sentence start, token, label) of each term.
    let named: Vec<(usize, usize, EntityLabel)> = sentence_spans(&doc.tokens)
        .flat_map(|(start, end)| (start..end).map(move |i| (start, i)))
        .filter_map(|(start, i)| label_of(i).map(|l| (start, i, l)))
        .collect();
    if named.is_empty() {
        return;
    }
    let covered = covered_tokens(doc, found);
    let added = named
        .into_iter()
        .filter(|&(_, i, _)| !covered[i])
        .map(|(start, i, label)| {
            let m = ListMatch {
                tok_start: i - start,
                tok_end: i - start + 1,
                stripped: 0,
                label,
            };
            (start, list_mention(m))
        })
        .collect();
    add_mentions(found, added);
}

/// For each token of `doc`, whether one of the mentions `found` covers it.
fn covered_tokens(doc: &Document, found: &[(usize, Candidate)]) -> Vec<bool> {
    let mut covered = vec![false; doc.tokens.len()];
    for (offset, c) in found {
        covered[offset + c.m.tok_start..offset + c.m.tok_end].fill(true);
    }
    covered
}

/// Widens each `MISC` mention of an Arabic document that is exactly a software name of the
/// technical terms (action `MISC` or `MISC-code`: Solaris, UNIX, Linux) to the whole Latin-script
/// name around it ([`software_name`]: Solaris 9, UNIX System V Release 4, GNU / Linux), when
/// every mention the name overlaps lies wholly inside it; those mentions give way to it (GNU and
/// Linux `MISC`, or Microsoft `ORG` of Microsoft Windows). The widened mention keeps the
/// software name's origin and takes the lowest score of the mentions it replaces. `found` is
/// sorted by first token, and is left so.
fn widen_software_names(doc: &Document, terms: &TechTerms, found: &mut Vec<(usize, Candidate)>) {
    let is_software = |(offset, c): &(usize, Candidate)| {
        c.m.label == EntityLabel::Misc
            && doc
                .token_surface(&doc.tokens[offset + c.m.tok_start])
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphabetic)
            && terms
                .lookup(&mention_text(
                    doc,
                    offset + c.m.tok_start,
                    offset + c.m.tok_end,
                ))
                .is_some_and(|(_, t)| matches!(t.action, TermAction::Misc | TermAction::MiscInCode))
    };
    if !found.iter().any(is_software) {
        return;
    }
    let surface = |i: usize| doc.token_surface(&doc.tokens[i]);
    let mut out: Vec<(usize, Candidate)> = Vec::with_capacity(found.len());
    let mut k = 0;
    while k < found.len() {
        let (offset, c) = found[k];
        if !is_software(&found[k]) {
            out.push(found[k]);
            k += 1;
            continue;
        }
        let sentence_end = offset
            + doc.tokens[offset..]
                .iter()
                .take_while(|t| t.sent_idx == doc.tokens[offset].sent_idx)
                .count();
        let span = (offset + c.m.tok_start, offset + c.m.tok_end);
        let Some((a, b)) = software_name(&doc.tokens, surface, (offset, sentence_end), span) else {
            out.push(found[k]);
            k += 1;
            continue;
        };
        // The mentions the name overlaps: those kept in `out` before this one, and those after.
        let before = out
            .iter()
            .rev()
            .take_while(|(o, m)| o + m.m.tok_end > a)
            .count();
        let after = found[k + 1..]
            .iter()
            .take_while(|(o, m)| o + m.m.tok_start < b)
            .count();
        let inside = |(o, m): &(usize, Candidate)| o + m.m.tok_start >= a && o + m.m.tok_end <= b;
        let replaced = &out[out.len() - before..];
        let later = &found[k + 1..k + 1 + after];
        if !replaced.iter().chain(later).all(inside) {
            out.push(found[k]);
            k += 1;
            continue;
        }
        let score = replaced
            .iter()
            .chain(later)
            .fold(c.score, |s, (_, m)| s.min(m.score));
        out.truncate(out.len() - before);
        let mut widened = c;
        widened.m.tok_start = a - offset;
        widened.m.tok_end = b - offset;
        widened.m.stripped = 0;
        widened.score = score;
        out.push((offset, widened));
        k += 1 + after;
    }
    *found = out;
}

/// Adds a `LOC` mention (origin `list`, score 1) for each town name that a place noun introduces
/// ([`ContextTowns::find`]), sentence by sentence, where no mention is, and relabels `LOC` the
/// model's mentions that a place noun introduces. `found` is sorted by first token, and is left
/// so.
fn tag_context_towns(
    doc: &Document,
    keys: &[&str],
    towns: &ContextTowns,
    found: &mut Vec<(usize, Candidate)>,
) {
    let mut added: Vec<(usize, Candidate)> = Vec::new();
    let mut mentions: Vec<TokenMention> = Vec::new();
    // The index in `found` of the mention that starts at each token of the sentence.
    let mut index_at: Vec<usize> = Vec::new();
    let mut next = 0;
    for (start, end) in sentence_spans(&doc.tokens) {
        mentions.clear();
        mentions.resize(end - start, TokenMention::default());
        index_at.clear();
        index_at.resize(end - start, usize::MAX);
        for i in sentence_mentions(found, &mut next, end) {
            let (offset, c) = &found[i];
            let (s, e) = (offset + c.m.tok_start, offset + c.m.tok_end);
            if s >= start && e <= end {
                for m in &mut mentions[s - start..e - start] {
                    m.covered = true;
                }
                if c.m.label == EntityLabel::Loc {
                    mentions[s - start].loc_end = Some(e - start);
                } else if c.origin == EntityOrigin::Model {
                    mentions[s - start].relabel_end = Some(e - start);
                }
                index_at[s - start] = i;
            }
        }
        let Some(sentence_keys) = keys.get(start..end) else {
            continue;
        };
        let finds = towns.find(sentence_keys, &mentions);
        for tok in finds.relabel {
            if let Some((_, c)) = index_at.get(tok).and_then(|&i| found.get_mut(i)) {
                c.m.label = EntityLabel::Loc;
            }
        }
        for (tok, stripped) in finds.towns {
            added.push((
                start,
                list_mention(ListMatch {
                    tok_start: tok,
                    tok_end: tok + 1,
                    stripped,
                    label: EntityLabel::Loc,
                }),
            ));
        }
    }
    add_mentions(found, added);
}

/// In a document of edited text ([`is_edited_casing`]) or a page of code ([`is_code_page`]),
/// drops the model's mentions written all in lowercase (propagated ones included: a name tagged
/// once with a capital is not carried to the lowercase word, apple after Apple); on a page of
/// code, not those that `terms` names as software (asyncio), which it relabels `MISC` later.
fn drop_lowercase_mentions(
    doc: &Document,
    terms: Option<&TechTerms>,
    found: &mut Vec<(usize, Candidate)>,
) {
    let first_letters = sentence_spans(&doc.tokens).filter_map(|(start, end)| {
        let word = doc.tokens[start..end]
            .iter()
            .find(|t| t.kind == TokenKind::Word)?;
        doc.token_surface(word).chars().next()
    });
    let edited = is_edited_casing(first_letters);
    if !edited && !is_code_page(doc) {
        return;
    }
    found.retain(|(offset, c)| {
        let text = span_text(doc, *offset, c);
        // On a page of code, software the technical terms name stays (asyncio, pydantic).
        let named_software = || {
            terms
                .and_then(|t| t.lookup(text))
                .is_some_and(|(_, term)| term.action != TermAction::Drop)
        };
        c.origin != EntityOrigin::Model || !is_all_lowercase(text) || (!edited && named_software())
    });
}

/// Drops the model's one-word mentions in title case ([`is_title_word`]) that `doc` writes at
/// least as often all in lowercase ([`is_common_in_document`]: the Analytics of a heading over
/// the text's analytics), unless `terms` names the word (Git, Python).
fn drop_common_words(
    doc: &Document,
    terms: Option<&TechTerms>,
    found: &mut Vec<(usize, Candidate)>,
) {
    let surface = |offset: usize, c: &Candidate| {
        let t = &doc.tokens[offset + c.m.tok_start];
        (c.origin == EntityOrigin::Model && c.m.tok_end == c.m.tok_start + 1)
            .then(|| doc.token_surface(t))
            .filter(|w| is_title_word(w) && terms.is_none_or(|t| t.lookup(w).is_none()))
    };
    // Lowercase form → (capitalised, lowercase) counts, for the candidates only.
    let mut counts: FxHashMap<String, (usize, usize)> = FxHashMap::default();
    for (offset, c) in found.iter() {
        if let Some(w) = surface(*offset, c) {
            counts.entry(w.to_ascii_lowercase()).or_default();
        }
    }
    if counts.is_empty() {
        return;
    }
    let mut lower = String::new();
    for t in &doc.tokens {
        let w = doc.token_surface(t);
        if w.bytes().all(|b| b.is_ascii_lowercase()) {
            if let Some(n) = counts.get_mut(w) {
                n.1 += 1;
            }
        } else if is_title_word(w) {
            lower.clear();
            lower.push_str(w);
            lower.make_ascii_lowercase();
            if let Some(n) = counts.get_mut(lower.as_str()) {
                n.0 += 1;
            }
        }
    }
    found.retain(|(offset, c)| {
        surface(*offset, c).is_none_or(|w| {
            lower.clear();
            lower.push_str(w);
            lower.make_ascii_lowercase();
            counts
                .get(lower.as_str())
                .is_none_or(|&(cap, low)| !is_common_in_document(cap, low))
        })
    });
}

/// Drops the model's mentions made only of common nouns borrowed from English
/// ([`is_borrowed_common_noun`]: the ميديا of السوشيال ميديا, tagged a place). `keys[i]` is
/// the matching key of token `i`.
fn drop_borrowed_common_nouns(keys: &[&str], found: &mut Vec<(usize, Candidate)>) {
    found.retain(|(offset, c)| {
        c.origin != EntityOrigin::Model
            || !keys
                .get(offset + c.m.tok_start..offset + c.m.tok_end)
                .is_some_and(|words| words.iter().all(|k| is_borrowed_common_noun(k)))
    });
}

/// Drops the model's one-word mentions of a day of the week ([`is_weekday_name`]: the Fri of
/// "Date: Fri, 1 Feb 2002", tagged a person).
fn drop_weekdays(doc: &Document, found: &mut Vec<(usize, Candidate)>) {
    found.retain(|(offset, c)| {
        c.origin != EntityOrigin::Model
            || c.m.tok_end != c.m.tok_start + 1
            || !is_weekday_name(span_text(doc, *offset, c))
    });
}

/// The model's one-word `PER` and `LOC` mentions written in camel case ([`is_camel_case`]:
/// BaseModel, TikTok, HathiTrust) name no person and no place: on a page of code
/// ([`is_code_page`]) they are identifiers and are dropped; elsewhere they are brands, and
/// become `ORG`. On a page of code, one-word mentions of any label in the lower camel case of
/// identifiers ([`is_lower_camel_case`]: useState, handleClick) are dropped too. Words of the
/// technical terms list `terms` are left to it (GitHub, JavaScript), and so are user names and
/// hashtags (after `@` or `#`: @KerraDontCare).
fn camel_case_names(
    doc: &Document,
    terms: Option<&TechTerms>,
    found: &mut Vec<(usize, Candidate)>,
) {
    let mut code_page = None;
    found.retain_mut(|(offset, c)| {
        if c.origin != EntityOrigin::Model || c.m.tok_end != c.m.tok_start + 1 {
            return true;
        }
        let text = span_text(doc, *offset, c);
        let person_or_place = matches!(c.m.label, EntityLabel::Per | EntityLabel::Loc);
        let upper = person_or_place && is_camel_case(text);
        let lower = !upper && is_lower_camel_case(text);
        if !(upper || lower) || terms.is_some_and(|t| t.lookup(text).is_some()) {
            return true;
        }
        // A user name or hashtag (@KerraDontCare, #BenHannington) is written so.
        let first = *offset + c.m.tok_start;
        if first
            .checked_sub(1)
            .is_some_and(|p| matches!(doc.token_surface(&doc.tokens[p]), "@" | "#"))
        {
            return true;
        }
        if *code_page.get_or_insert_with(|| is_code_page(doc)) {
            return false;
        }
        if upper {
            c.m.label = EntityLabel::Org;
        }
        true
    });
}

/// Drops the model's one-word mentions of a contraction of a pronoun or adverb
/// ([`is_contraction_host`]: Let’s, It’s, There’s; the tokenizer splits them into two
/// segments), which the model tags at a sentence's start.
fn drop_contractions(doc: &Document, found: &mut Vec<(usize, Candidate)>) {
    found.retain(|(offset, c)| {
        let t = &doc.tokens[offset + c.m.tok_start];
        c.origin != EntityOrigin::Model
            || c.m.tok_end != c.m.tok_start + 1
            || !t.segments.is_split()
            || !t
                .segments_in(doc.token_surface(t))
                .next()
                .is_some_and(is_contraction_host)
    });
}

/// The model's mentions that end in a company's legal form ([`is_company_suffix`]: LLC, Inc.)
/// become `ORG` (Kajabi LLC, tagged a person). A mention that is the suffix alone joins the
/// mention right before it (Labor Services + LLC; a comma may stand between: Philips Oral
/// Healthcare, LLC), or else the words of a name right before it ([`is_company_name_word`]:
/// Happy Ending Movers LLC); either way the name also takes in the words of a name before it,
/// within the sentence and up to the previous mention. A suffix with no name before it is
/// dropped (the LLC of "an LLC"), and so is one after an article or determiner and a name,
/// which names a kind of company ("your New York LLC": New York stays a place).
fn company_suffixes(doc: &Document, found: &mut Vec<(usize, Candidate)>) {
    let ends_in_suffix = |(offset, c): &(usize, Candidate)| {
        c.origin == EntityOrigin::Model
            && is_company_suffix(doc.token_surface(&doc.tokens[offset + c.m.tok_end - 1]))
    };
    if !found.iter().any(ends_in_suffix) {
        return;
    }
    let mut keep = vec![true; found.len()];
    for k in 0..found.len() {
        if !ends_in_suffix(&found[k]) {
            continue;
        }
        let (offset, c) = (found[k].0, &found[k].1);
        let (a, b) = (offset + c.m.tok_start, offset + c.m.tok_end);
        // After an article or a determiner the phrase names a kind of company, not one: "a New
        // York LLC", "your New York LLC".
        let generic = |start: usize| {
            start
                .checked_sub(1)
                .is_some_and(|p| is_determiner(doc.token_surface(&doc.tokens[p])))
        };
        if b - a >= 2 {
            if !generic(a) {
                found[k].1.m.label = EntityLabel::Org;
            }
            continue;
        }
        let sentence = doc.tokens[a].sent_idx;
        let same_sentence = |i: usize| doc.tokens[i].sent_idx == sentence;
        // A comma right before the suffix may stand inside the name.
        let before = match a.checked_sub(1) {
            Some(p) if same_sentence(p) && doc.token_surface(&doc.tokens[p]) == "," => p,
            _ => a,
        };
        // The mention that ends right there, if any.
        let joined = (0..found.len()).find(|&j| {
            j != k && keep[j] && found[j].0 + found[j].1.m.tok_end == before && {
                let s = found[j].0 + found[j].1.m.tok_start;
                same_sentence(s)
            }
        });
        let mut start = joined.map_or(before, |j| found[j].0 + found[j].1.m.tok_start);
        // Where the words of a name may start: after every other mention that ends before.
        let free_from = found
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != k && Some(j) != joined && keep[j])
            .map(|(_, (o, m))| o + m.m.tok_end)
            .filter(|&end| end <= start)
            .max()
            .unwrap_or(0);
        while start > free_from
            && same_sentence(start - 1)
            && is_company_name_word(doc.token_surface(&doc.tokens[start - 1]))
            && !is_function_word(doc.token_surface(&doc.tokens[start - 1]))
        {
            start -= 1;
        }
        // A name does not start with `&` or `'s`.
        while start < before
            && !doc
                .token_surface(&doc.tokens[start])
                .starts_with(char::is_alphanumeric)
        {
            start += 1;
        }
        if generic(start) || (joined.is_none() && start == before) {
            keep[k] = false;
            continue;
        }
        // The name becomes one `ORG` mention in the suffix's place (offsets are absolute
        // token indices split in two).
        if let Some(j) = joined {
            keep[j] = false;
        }
        let (offset, c) = &mut found[k];
        *offset = start;
        c.m.tok_start = 0;
        c.m.tok_end = b - start;
        c.m.stripped = 0;
        c.m.label = EntityLabel::Org;
    }
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    found.sort_by_key(|(offset, c)| offset + c.m.tok_start);
}

/// Whether `doc` is a page of code: at least [`MIN_CODE_CALLS`] of its words are identifiers
/// called with code arguments ([`is_code_call`]: `len(items)`, `fmt.Errorf("…", err)`).
fn is_code_page(doc: &Document) -> bool {
    doc.tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .filter(|t| is_code_call(doc.token_surface(t), doc.slice(t.byte_end, doc.text.len())))
        .take(MIN_CODE_CALLS)
        .count()
        >= MIN_CODE_CALLS
}

/// Drops the model's mentions that hold no letter or decimal digit (`{`, `%`, `__`, and the
/// superscript `⁰` of a footnote or a temperature, which Unicode counts as numeric but not as a
/// decimal digit): whatever the model read into them, they name nothing (on WCXB dev 18 such
/// mentions, and 21 times `⁰` since the fourteenth round). A lone `@` stays: the
/// Broad Twitter Corpus, which the English model learned from, tags the `@` before a user name
/// as a mention of its own (`@` `B-PER`, then the name `B-PER`), and dropping it there costs
/// BTC h 19 F1. It stays only there, before a mention (the user name): the @ of "an @ sign" or
/// of an address ("Lombard St. @ Fillmore"), where no mention follows, goes (11 of the 50 lone
/// `@` mentions on WCXB dev).
fn drop_symbol_mentions(doc: &Document, found: &mut Vec<(usize, Candidate)>) {
    // The first token of every mention, ascending (`found` is sorted by first token); only
    // needed, and only collected, when some mention is a lone `@`.
    let starts: Vec<usize> = if found.iter().any(|(o, c)| span_text(doc, *o, c) == "@") {
        found.iter().map(|(o, c)| o + c.m.tok_start).collect()
    } else {
        Vec::new()
    };
    found.retain(|(offset, c)| {
        let text = span_text(doc, *offset, c);
        c.origin != EntityOrigin::Model
            || (text == "@" && starts.binary_search(&(offset + c.m.tok_end)).is_ok())
            || text.chars().any(|ch| ch.is_alphabetic() || is_digit(ch))
    });
}

/// Drops the model's mentions that contain a programming identifier's underscore
/// ([`has_identifier_underscore`]: send_sms, TWILIO_AUTH_TOKEN) or are one identifier called or
/// reached as an attribute in code ([`is_code_reference`]: `len(`, `models.CharField`), except
/// user names: a mention that starts with `@` or follows an `@` token (the Broad Twitter Corpus
/// tags @ Real_Liam_Payne `PER`).
fn drop_identifiers(doc: &Document, found: &mut Vec<(usize, Candidate)>) {
    found.retain(|(offset, c)| {
        let (a, b) = (offset + c.m.tok_start, offset + c.m.tok_end);
        let (start, end) = (doc.tokens[a].byte_start, doc.tokens[b - 1].byte_end);
        let text = doc.slice(start, end);
        let after_at = a
            .checked_sub(1)
            .is_some_and(|p| doc.token_surface(&doc.tokens[p]) == "@");
        c.origin != EntityOrigin::Model
            || text.starts_with('@')
            || after_at
            || !(has_identifier_underscore(text)
                || is_code_reference(text, doc.slice(0, start), doc.slice(end, doc.text.len())))
    });
}

/// The document's text from the start of token `a` to the end of token `b - 1`.
fn tokens_text(doc: &Document, a: usize, b: usize) -> &str {
    doc.slice(doc.tokens[a].byte_start, doc.tokens[b - 1].byte_end)
}

/// The text of a candidate mention whose tokens are offset by `offset` (proclitics included).
fn span_text<'d>(doc: &'d Document, offset: usize, c: &Candidate) -> &'d str {
    tokens_text(doc, offset + c.m.tok_start, offset + c.m.tok_end)
}

/// The text of tokens `a..b` with one space wherever the tokens are apart (Visual Studio Code
/// across a line break is `Visual Studio Code`).
fn mention_text(doc: &Document, a: usize, b: usize) -> Cow<'_, str> {
    let text = tokens_text(doc, a, b);
    if !text.contains(char::is_whitespace) {
        return Cow::Borrowed(text);
    }
    let mut joined = String::with_capacity(text.len());
    for i in a..b {
        if i > a && doc.tokens[i].byte_start > doc.tokens[i - 1].byte_end {
            joined.push(' ');
        }
        joined.push_str(doc.token_surface(&doc.tokens[i]));
    }
    Cow::Owned(joined)
}

/// Drops or relabels `MISC` the model's mentions that are exactly a technical term of `terms`
/// (see `crate::ner::tech_terms`): API, VPN and CSS are dropped, Python becomes `MISC`, and so
/// does a `PER` or `LOC` Rust or Java when the document's words hold other programming terms.
/// Mentions from lists are kept. Applied to the English model's mentions and to the Arabic
/// model's, whose Latin-script mentions can be terms (برنامج ChatGPT).
///
/// WCXB dev (1,358 English pages): 2,910 mentions dropped and 2,144 relabelled `MISC`; WNUT-17
/// dev 47.41 → 47.48 F1, BTC h 72.68 → 72.65 (one Android that BTC, without `MISC`, labels
/// `ORG`); models/README.md, "Technical terms in English".
fn apply_tech_terms(doc: &Document, terms: &TechTerms, found: &mut Vec<(usize, Candidate)>) {
    // The programming terms among the document's words, found at the first ambiguous name.
    let mut code_terms = None;
    let no_terms = Default::default();
    found.retain_mut(|(offset, c)| {
        if c.origin != EntityOrigin::Model {
            return true;
        }
        let text = mention_text(doc, *offset + c.m.tok_start, *offset + c.m.tok_end);
        let Some((_, term)) = terms.lookup(&text) else {
            return true;
        };
        let context = if matches!(term.action, TermAction::MiscInCode | TermAction::OrgInCode) {
            &*code_terms.get_or_insert_with(|| {
                terms.code_terms(doc.tokens.iter().map(|t| doc.token_surface(t)))
            })
        } else {
            &no_terms
        };
        match terms.verdict(&text, c.m.label, context) {
            Verdict::Keep => true,
            Verdict::Drop => false,
            Verdict::Misc => {
                c.m.label = EntityLabel::Misc;
                true
            }
            Verdict::Org => {
                c.m.label = EntityLabel::Org;
                true
            }
        }
    });
}

/// Drops the model's `LOC` mentions written as a capital abbreviation ([`is_capital_abbreviation`])
/// that name no known place: not one of `abbreviations` (US, NYC) and not a one-word place of
/// the built-in list `builtin` (ITALY). See `crate::ner::casing`.
fn drop_unknown_place_abbreviations(
    doc: &Document,
    builtin: &EntityList,
    abbreviations: &PlaceAbbreviations,
    found: &mut Vec<(usize, Candidate)>,
) {
    found.retain(|(offset, c)| {
        if c.origin != EntityOrigin::Model || c.m.label != EntityLabel::Loc {
            return true;
        }
        let text = span_text(doc, *offset, c);
        !is_capital_abbreviation(text)
            || abbreviations.contains(text)
            || builtin.single_word_label(&match_key(text)) == Some(EntityLabel::Loc)
    });
}

/// Relabels `MISC` the model's mentions that name a disease ([`DiseaseNouns::disease_mentions`]:
/// right after a disease noun, and the others that start with the same word).
fn relabel_disease_names(
    doc: &Document,
    keys: &[&str],
    nouns: &DiseaseNouns,
    found: &mut [(usize, Candidate)],
) {
    let model: Vec<usize> = (0..found.len())
        .filter(|&i| found[i].1.origin == EntityOrigin::Model)
        .collect();
    let mentions: Vec<ModelMention> = model
        .iter()
        .map(|&i| {
            let (offset, c) = &found[i];
            let start = offset + c.m.tok_start;
            ModelMention {
                start,
                follows_in_sentence: start > 0
                    && doc.tokens[start - 1].sent_idx == doc.tokens[start].sent_idx,
                first_word: keys.get(start).map_or("", |k| skip_chars(k, c.m.stripped)),
                has_proclitic: c.m.stripped > 0,
            }
        })
        .collect();
    for m in nouns.disease_mentions(keys, &mentions) {
        found[model[m]].1.m.label = EntityLabel::Misc;
    }
}

/// The document-level half of `head-relabel-doc`: `names` are the words of the mentions a
/// head relabelled `ORG` (see [`mention_words`]), with their scores. Every other `MISC`
/// mention of the model with the same words becomes `ORG` too; and an occurrence of the words
/// that no mention covers, right after an indefinite head or between quotation marks right
/// after one (the place where the relabelling found the name), becomes an `ORG` mention of
/// origin `model` with half the lowest score of the name's relabelled mentions (as
/// propagation scores what it adds). The head is what allows this where propagation, which
/// leaves common words alone, did not tag the word. `found` is sorted by first token, and is
/// left so.
fn carry_org_relabels(
    doc: &Document,
    keys: &[&str],
    heads: &HeadNouns,
    mut names: Vec<(String, f32)>,
    found: &mut Vec<(usize, Candidate)>,
) {
    // One entry per name, with its lowest score.
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = kept.1.min(later.1);
        }
        same
    });
    let score_of = |words: &str| {
        names
            .binary_search_by(|(n, _)| n.as_str().cmp(words))
            .ok()
            .map(|i| names[i].1)
    };
    let mut covered = vec![false; keys.len()];
    for (offset, c) in found.iter_mut() {
        covered[*offset + c.m.tok_start..*offset + c.m.tok_end].fill(true);
        if c.m.label == EntityLabel::Misc
            && c.origin == EntityOrigin::Model
            && score_of(&mention_words(keys, *offset, &c.m)).is_some()
        {
            c.m.label = EntityLabel::Org;
        }
    }
    let longest = names
        .iter()
        .map(|(n, _)| n.split(' ').count())
        .max()
        .unwrap_or(0);
    let mut added = Vec::new();
    let (mut buf, mut words) = (String::new(), String::new());
    for (start, end) in sentence_spans(&doc.tokens) {
        for i in start..end {
            // Only an indefinite head outside every mention.
            if covered[i] || heads.head_of(keys[i], &mut buf).is_none_or(|h| h.definite) {
                continue;
            }
            let open = |k: usize| k < end && !covered[k] && is_quote_key(keys[k]);
            let quoted = open(i + 1);
            let first = i + 1 + usize::from(quoted);
            // The longest name that starts at `first` (and is closed by a quotation mark
            // when one opened it).
            let mut best = None;
            words.clear();
            for last in first..end.min(first + longest) {
                if covered[last] {
                    break;
                }
                if last > first {
                    words.push(' ');
                }
                words.push_str(keys[last]);
                if let Some(score) = score_of(&words).filter(|_| !quoted || open(last + 1)) {
                    best = Some((last + 1, score));
                }
            }
            if let Some((to, score)) = best {
                covered[first..to].fill(true);
                added.push((
                    start,
                    Candidate {
                        m: ListMatch {
                            tok_start: first - start,
                            tok_end: to - start,
                            stripped: 0,
                            label: EntityLabel::Org,
                        },
                        origin: EntityOrigin::Model,
                        score: score * 0.5,
                    },
                ));
            }
        }
    }
    add_mentions(found, added);
}

/// The words of a mention as matching keys joined by spaces, without the proclitics left
/// out of its first word: the same name wherever it stands (طالبان, لطالبان).
fn mention_words(keys: &[&str], offset: usize, m: &ListMatch) -> String {
    let mut words = String::new();
    for (n, key) in keys[offset + m.tok_start..offset + m.tok_end]
        .iter()
        .enumerate()
    {
        if n == 0 {
            words.extend(key.chars().skip(m.stripped));
        } else {
            words.push(' ');
            words.push_str(key);
        }
    }
    words
}

/// The `(start, end)` token ranges of the document's sentences, in order (tokens of one
/// sentence are consecutive).
fn sentence_spans(tokens: &[crate::document::Token]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        let sent = tokens.get(start)?.sent_idx;
        let mut end = start + 1;
        while end < tokens.len() && tokens[end].sent_idx == sent {
            end += 1;
        }
        let span = (start, end);
        start = end;
        Some(span)
    })
}

impl EntitiesStage {
    /// First pass over one sentence: its list matches, and the model's emission scores
    /// (kept in `scratch` until the second pass).
    fn first_pass(
        &self,
        doc: &Document,
        cx: &SentenceContext,
        buf: &mut Buffers,
        scratch: &mut Scratch,
    ) -> SentenceMatches {
        let tokens = &doc.tokens[cx.start..cx.end];
        // The keys are kept for the whole document (organisation phrases read them later).
        let first = buf.key_ends.len();
        let mut from = buf.keys.len();
        for t in tokens {
            match_key_into(doc.slice(t.byte_start, t.byte_end), &mut buf.key);
            buf.keys.push_str(&buf.key);
            buf.key_ends.push(buf.keys.len());
        }
        let mut keys: Vec<&str> = Vec::with_capacity(tokens.len());
        for &to in &buf.key_ends[first..] {
            keys.push(&buf.keys[from..to]);
            from = to;
        }
        let surfaces: Vec<&str> = tokens
            .iter()
            .map(|t| doc.slice(t.byte_start, t.byte_end))
            .collect();
        let user = self.user_list.find(&keys, &surfaces);
        let list = cx.builtin.find(&keys, &surfaces);
        if let Some(model) = cx.model {
            let prepared = Prepared {
                keys: Some(&keys),
                list_matches: cx.shares_list.then_some(list.as_slice()),
            };
            model.add_sentence(&surfaces, prepared, scratch);
        }
        SentenceMatches {
            start: cx.start,
            end: cx.end,
            user,
            list,
        }
    }

    /// Second pass over one sentence: decodes the model's tags and appends the chosen
    /// mentions, with the offset of the sentence's first token, to `found`.
    fn second_pass(
        &self,
        doc: &Document,
        model: Option<&NerModel>,
        sentence: SentenceMatches,
        buf: &mut Buffers,
        scratch: &mut Scratch,
        found: &mut Vec<(usize, Candidate)>,
    ) {
        let SentenceMatches {
            start,
            end,
            user,
            list,
        } = sentence;
        let mut model_mentions = Vec::new();
        if let Some(model) = model {
            model.decode_sentence(start..end, scratch, &mut buf.tags, &mut buf.margins);
            let mut i = 0;
            while i < buf.tags.len() {
                let BioTag::B(label) = tag_of(buf.tags[i]) else {
                    i += 1;
                    continue;
                };
                let mut end = i + 1;
                while end < buf.tags.len() && tag_of(buf.tags[end]) == BioTag::I(label) {
                    end += 1;
                }
                let margin = buf.margins[i..end]
                    .iter()
                    .fold(f32::INFINITY, |a, &b| a.min(b));
                let t = &doc.tokens[start + i];
                match_key_into(doc.slice(t.byte_start, t.byte_end), &mut buf.key);
                let stripped = model.lexicon.best_split(&buf.key, &mut buf.split).stripped;
                model_mentions.push(Candidate {
                    m: ListMatch {
                        tok_start: i,
                        tok_end: end,
                        stripped,
                        label,
                    },
                    origin: EntityOrigin::Model,
                    score: model.confidence(margin),
                });
                i = end;
            }
        }

        // A built-in list's name of two words or more, matched exactly where the model put a
        // mention with another label, gives its label (هونغ كونغ, which the model reads as a
        // person's first and last name).
        for c in &mut model_mentions {
            if let Some(l) = list.iter().find(|l| {
                l.tok_start == c.m.tok_start
                    && l.tok_end == c.m.tok_end
                    && l.tok_end - l.tok_start >= 2
                    && l.stripped == c.m.stripped
            }) {
                c.m.label = l.label;
            }
        }
        // In order of priority; a later mention is kept only where it overlaps nothing.
        let mut taken = vec![false; end - start];
        let mut chosen: Vec<Candidate> = Vec::new();
        let ordered = user
            .into_iter()
            .map(list_mention)
            .chain(model_mentions)
            .chain(list.into_iter().map(list_mention));
        for c in ordered {
            let span = c.m.tok_start..c.m.tok_end;
            if taken[span.clone()].iter().any(|&t| t) {
                continue;
            }
            taken[span].fill(true);
            chosen.push(c);
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
/// The possessive enclitic (`'s`, `’s`) the tokenizer split off `token` as its last segment,
/// if any.
fn possessive_enclitic<'d>(doc: &'d Document, token: &Token) -> Option<&'d str> {
    if !token.segments.is_split() {
        return None;
    }
    let last = token.segments_in(doc.token_surface(token)).last()?;
    matches!(last, "'s" | "’s").then_some(last)
}

/// For each mention of `found`, whether to leave out the possessive (`'s`, `’s`) that the
/// tokenizer split off its last word: yes when the document also writes that word without it
/// as a token of its own (Google’s, where the page also says Google), no when it never does,
/// as in a name that holds its possessive (McDonald’s, Giordano’s, Alzheimer’s).
fn possessives_to_leave_out(doc: &Document, found: &[(usize, Candidate)]) -> Vec<bool> {
    let stems: Vec<Option<&str>> = found
        .iter()
        .map(|(offset, c)| {
            let last = &doc.tokens[offset + c.m.tok_end - 1];
            let p = possessive_enclitic(doc, last)?;
            let surface = doc.token_surface(last);
            surface.get(..surface.len() - p.len())
        })
        .collect();
    if stems.iter().all(Option::is_none) {
        return Vec::new();
    }
    let alone: FxHashSet<&str> = doc
        .tokens
        .iter()
        .filter(|t| !t.segments.is_split())
        .map(|t| doc.token_surface(t))
        .collect();
    stems
        .into_iter()
        .map(|s| s.is_some_and(|s| alone.contains(s)))
        .collect()
}

fn push_entity(doc: &mut Document, offset: usize, c: Candidate, strip_possessive: bool) {
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
    let (mut end, mut byte_end) = (doc.tokens[last].end, doc.tokens[last].byte_end);
    // Leave out the possessive of the last word when asked (see `possessives_to_leave_out`),
    // as the proclitics above; the token keeps its tag.
    if let Some(possessive) =
        possessive_enclitic(doc, &doc.tokens[last]).filter(|_| strip_possessive)
        && byte_end - possessive.len() > byte
    {
        byte_end -= possessive.len();
        end -= possessive.chars().count();
    }
    let mut norm = String::new();
    let mut key = String::new();
    let mut prev_end = byte;
    for t in &doc.tokens[first..=last] {
        let from = t.byte_start.max(byte);
        if !norm.is_empty() && t.byte_start > prev_end {
            norm.push(' ');
        }
        match_key_into(doc.slice(from, t.byte_end.min(byte_end)), &mut key);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Token, TokenKind};

    /// A document of space-separated words, one sentence per `|`.
    fn doc_of(text: &str) -> Document {
        let mut doc = Document {
            text: text.to_string(),
            lang: Some("ar".into()),
            ..Document::default()
        };
        let (mut sent, mut cp) = (0u32, 0usize);
        let mut byte = 0;
        for word in text.split(' ') {
            let len = word.chars().count();
            if word == "|" {
                sent += 1;
            } else {
                doc.tokens.push(Token {
                    sent_idx: sent,
                    start: cp,
                    end: cp + len,
                    byte_start: byte,
                    byte_end: byte + word.len(),
                    kind: TokenKind::Word,
                    norm: None,
                    segments: Default::default(),
                    ner: BioTag::O,
                });
            }
            cp += len + 1;
            byte += word.len() + 1;
        }
        doc
    }

    /// The matching key of each token of `doc`.
    fn keys_of(doc: &Document) -> Vec<String> {
        doc.tokens
            .iter()
            .map(|t| crate::ner::text::match_key(doc.slice(t.byte_start, t.byte_end)))
            .collect()
    }

    fn model_mention(tok: usize, label: EntityLabel, score: f32) -> (usize, Candidate) {
        (
            0,
            Candidate {
                m: ListMatch {
                    tok_start: tok,
                    tok_end: tok + 1,
                    stripped: 0,
                    label,
                },
                origin: EntityOrigin::Model,
                score,
            },
        )
    }

    #[test]
    fn titles_are_left_out_of_person_mentions() {
        // "Princess Diana visited London; he said to the imam": the model's mentions take in
        // the title, or are the title alone.
        let doc = doc_of("زارت الأميرة ديانا لندن | وقال للإمام");
        let keys: Vec<String> = doc
            .tokens
            .iter()
            .map(|t| match_key(doc.token_surface(t)))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut found = vec![
            (
                0,
                Candidate {
                    m: ListMatch {
                        tok_start: 1,
                        tok_end: 3,
                        stripped: 0,
                        label: EntityLabel::Per,
                    },
                    origin: EntityOrigin::Model,
                    score: 0.9,
                },
            ),
            model_mention(3, EntityLabel::Loc, 0.9),
            model_mention(5, EntityLabel::Per, 0.9),
        ];
        trim_person_titles(&keys, &TitleNouns::builtin(), &mut found);
        let spans: Vec<(usize, usize)> = found
            .iter()
            .map(|(_, c)| (c.m.tok_start, c.m.tok_end))
            .collect();
        assert_eq!(spans, [(2, 3), (3, 4)]);
    }

    #[test]
    fn lowercase_latin_mentions_in_arabic_text_are_dropped() {
        // "tools such as C shell and systemd and the Linux kernel": the model's shell (`PER`) is
        // a gloss's common noun; systemd is software the technical terms name; Linux has a
        // capital; كورن is Arabic script.
        let doc = doc_of("أدوات مثل C shell و systemd و Linux و كورن");
        let terms = TechTerms::builtin().unwrap();
        let mut found = vec![
            model_mention(3, EntityLabel::Per, 0.9),
            model_mention(5, EntityLabel::Org, 0.9),
            model_mention(7, EntityLabel::Org, 0.9),
            model_mention(9, EntityLabel::Per, 0.9),
        ];
        drop_lowercase_latin_mentions(&doc, Some(&terms), &mut found);
        let kept: Vec<usize> = found.iter().map(|(_, c)| c.m.tok_start).collect();
        assert_eq!(kept, [5, 7, 9]);
        // Without the technical terms, systemd goes too.
        let mut found = vec![model_mention(5, EntityLabel::Org, 0.9)];
        drop_lowercase_latin_mentions(&doc, None, &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn propagation_tags_other_occurrences_but_not_common_words() {
        let model = builtin_model("ar").unwrap();
        let doc = doc_of("قال كوباني في | وأكد وكوباني في الاجتماع");
        let mut found = vec![
            model_mention(1, EntityLabel::Per, 0.8),
            model_mention(2, EntityLabel::Loc, 0.8),
        ];
        propagate(&doc, &model, None, &mut found);
        let added: Vec<(usize, usize, EntityLabel, f32)> = found[2..]
            .iter()
            .map(|(o, c)| (o + c.m.tok_start, c.m.stripped, c.m.label, c.score))
            .collect();
        // وكوباني (token 4) gets PER without its و; the common word في is left alone.
        assert_eq!(added, [(4, 1, EntityLabel::Per, 0.4)]);
    }

    #[test]
    fn a_common_word_is_propagated_only_where_most_of_its_form_was_tagged() {
        // داعش and صالح are common words in the Arabic frequency list (Zipf 5.1 and 5.2).
        let model = builtin_model("ar").unwrap();
        let added_by = |text: &str, tagged: &[usize]| -> Vec<(usize, EntityLabel, f32)> {
            let doc = doc_of(text);
            let mut found: Vec<(usize, Candidate)> = tagged
                .iter()
                .map(|&t| model_mention(t, EntityLabel::Org, 0.6))
                .collect();
            propagate(&doc, &model, None, &mut found);
            found
                .iter()
                .filter(|(o, c)| !tagged.contains(&(o + c.m.tok_start)))
                .map(|(o, c)| (o + c.m.tok_start, c.m.label, c.score))
                .collect()
        };
        // Tagged twice, untagged once: the headline's داعش is tagged, and so is the rare
        // form لداعش (matched on its core, as any rare word).
        let text = "قال داعش | هاجم داعش المدينة | ما بعد داعش لداعش";
        assert_eq!(
            added_by(text, &[1, 3]),
            [(7, EntityLabel::Org, 0.3), (8, EntityLabel::Org, 0.3)]
        );
        // لصالح ("in favour of") is a common form of its own: the name صالح does not carry.
        let per = "قال صالح | وصل صالح | صوت لصالح القرار";
        assert_eq!(added_by(per, &[1, 3]), []);
        // Tagged once: no evidence that the common form is a name in this document (the rare
        // form still follows its core).
        assert_eq!(added_by(text, &[1]), [(8, EntityLabel::Org, 0.3)]);
        // Tagged in two of five occurrences: a minority.
        let text = "قال داعش | هاجم داعش | داعش داعش داعش";
        assert_eq!(added_by(text, &[1, 3]), []);
    }

    #[test]
    fn a_long_sentence_does_not_keep_its_buffers_after_the_document() {
        // One sentence of 12,000 words (pages with long lists without punctuation give such
        // sentences): the model's per-sentence buffers grow to several MB while it is tagged,
        // and are freed once the document is done, so the worker does not hold them.
        let words: Vec<&str> = ["قال", "الرئيس", "في", "دمشق", "إن"]
            .iter()
            .copied()
            .cycle()
            .take(12_000)
            .collect();
        let doc = doc_of(&words.join(" "));
        let stage = EntitiesStage::new(&EntitiesOptions::default()).unwrap();
        let found = stage.mentions(&doc).unwrap();
        assert!(!found.is_empty(), "the long sentence is still tagged");
        let kept = SCRATCH.with(|s| s.borrow_mut().largest_buffer_bytes());
        assert!(
            kept <= crate::scratch::KEEP_BYTES,
            "a buffer of {kept} bytes was kept"
        );
    }

    #[test]
    fn built_in_lists_serve_the_models_list_features() {
        let shares = |stage: &EntitiesStage, lang| stage.model_for(Some(lang)).unwrap().unwrap().1;
        let stage = EntitiesStage::new(&EntitiesOptions::default()).unwrap();
        assert!(shares(&stage, "ar") && shares(&stage, "en"));
        let lists_off = EntitiesOptions {
            builtin_lists: false,
            ..EntitiesOptions::default()
        };
        let stage = EntitiesStage::new(&lists_off).unwrap();
        assert!(!shares(&stage, "ar") && !shares(&stage, "en"));
        let models_off = EntitiesOptions {
            models: false,
            ..EntitiesOptions::default()
        };
        let stage = EntitiesStage::new(&models_off).unwrap();
        assert!(stage.model_for(Some("ar")).unwrap().is_none());
    }

    #[test]
    fn cores_from_the_model_features_equal_the_computed_ones() {
        for lang in ["ar", "en"] {
            let model = builtin_model(lang).unwrap();
            let words = [
                "والليكود",
                "الليكود",
                "للإمارات",
                "وبغداد",
                "لبنان",
                "ال",
                "الى",
                "كوباني",
                "في",
                "London",
                "the",
                "Ahmed's",
                "١٩٤٨",
                "مُصْطَفى",
                "،",
            ];
            let mut scratch = Scratch::default();
            let (mut tags, mut margins, mut cores) = (Vec::new(), Vec::new(), Vec::new());
            // Twice: the second time the words come from the feature cache.
            for _ in 0..2 {
                cores.clear();
                model.tag(&words, &mut scratch, &mut tags, &mut margins);
                assert!(model.cores_and_bands(&scratch, &mut cores));
                let (mut key, mut split) = (String::new(), String::new());
                for (w, c) in words.iter().zip(&cores) {
                    assert_eq!(*c, core_and_band(&model, w, &mut key, &mut split), "{w}");
                }
            }
        }
    }

    #[test]
    fn head_relabelling_carries_to_the_names_other_occurrences() {
        let doc = doc_of("قاتلت جماعة « فلان » أمس | وقال فلان | بايع حركة فلان | وقال فلان هنا");
        let keys = keys_of(&doc);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let heads = HeadNouns::builtin_ar();
        let mut from_list = model_mention(12, EntityLabel::Misc, 1.0);
        from_list.1.origin = EntityOrigin::List;
        let before = vec![
            model_mention(3, EntityLabel::Misc, 0.8),
            model_mention(7, EntityLabel::Misc, 0.6),
            from_list,
        ];
        let run = |patterns: &[&str]| {
            let mut found = before.clone();
            let set = PatternSet::parse(patterns).unwrap();
            org_phrases(&doc, &keys, &heads, set, None, &mut found);
            found
                .iter()
                .map(|(o, c)| (o + c.m.tok_start, c.m.label, c.origin, c.score))
                .collect::<Vec<_>>()
        };
        use EntityLabel::{Misc, Org};
        use EntityOrigin::{List, Model};
        // The quoted name after جماعة only.
        assert_eq!(
            run(&["head-relabel"]),
            [
                (3, Org, Model, 0.8),
                (7, Misc, Model, 0.6),
                (12, Misc, List, 1.0)
            ]
        );
        // And the model's other mention of it, and its untagged occurrence after the head
        // حركة (half the score); neither the list's mention nor the word after no head.
        assert_eq!(
            run(&["head-relabel-doc"]),
            [
                (3, Org, Model, 0.8),
                (7, Org, Model, 0.6),
                (10, Org, Model, 0.4),
                (12, Misc, List, 1.0)
            ]
        );
    }

    #[test]
    fn a_standard_named_after_a_head_keeps_its_label() {
        // "The POSIX committee issued its standard | most systems follow POSIX": the head لجنة
        // would make the model's MISC POSIX an organisation, here and at its other mention.
        let doc = doc_of("أصدرت لجنة POSIX معيارها | وتتبع الأنظمة POSIX");
        let keys = keys_of(&doc);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let heads = HeadNouns::builtin_ar();
        let terms = TechTerms::builtin().unwrap();
        let run = |terms: Option<&TechTerms>| {
            let mut found = vec![
                model_mention(2, EntityLabel::Misc, 0.8),
                model_mention(6, EntityLabel::Misc, 0.8),
            ];
            let set = PatternSet::parse(&["head-relabel-doc"]).unwrap();
            org_phrases(&doc, &keys, &heads, set, terms, &mut found);
            found.iter().map(|(_, c)| c.m.label).collect::<Vec<_>>()
        };
        use EntityLabel::{Misc, Org};
        assert_eq!(run(None), [Org, Org]);
        assert_eq!(run(Some(&terms)), [Misc, Misc]);
    }

    #[test]
    fn a_club_and_its_city_are_one_organisation() {
        // "Real Madrid beat Atlético Madrid | and Real Madrid | Emaar Lebanon | Real in Madrid".
        let doc = doc_of(
            "فاز ريال مدريد على أتلتيكو مدريد | وريال مدريد | وقالت إعمار لبنان | ريال بمدريد",
        );
        let keys = keys_of(&doc);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let at = |sentence: usize, tok: usize, label, stripped| {
            let (_, mut c) = model_mention(tok, label, 0.9);
            c.m.stripped = stripped;
            (sentence, c)
        };
        use EntityLabel::{Loc, Org};
        let mut found = vec![
            at(0, 1, Org, 0),
            at(0, 2, Loc, 0),
            at(0, 4, Org, 0),
            at(0, 5, Loc, 0),
            at(6, 0, Org, 1),
            at(6, 1, Loc, 0),
            at(8, 1, Org, 0),
            at(8, 2, Loc, 0),
            at(11, 0, Org, 0),
            at(11, 1, Loc, 1),
        ];
        found[1].1.score = 0.5;
        join_club_names(&keys, &mut found);
        let spans: Vec<(usize, usize, EntityLabel, f32)> = found
            .iter()
            .map(|(o, c)| (o + c.m.tok_start, o + c.m.tok_end, c.m.label, c.score))
            .collect();
        assert_eq!(
            spans,
            [
                (1, 3, Org, 0.5),
                (4, 6, Org, 0.9),
                (6, 8, Org, 0.9),
                (9, 10, Org, 0.9),
                (10, 11, Loc, 0.9),
                (11, 12, Org, 0.9),
                (12, 13, Loc, 0.9)
            ]
        );
    }

    #[test]
    fn a_latin_code_is_no_person_or_place() {
        // "AT&T released SVR4 in 1989, and Sun adopted SVR4": a version name, read as a person.
        let doc = doc_of("أصدرت AT&T نسخة SVR4 عام 1989 | وتبنت Sun نظام SVR4 و ليلى");
        let mut found = vec![
            model_mention(3, EntityLabel::Per, 0.9),
            model_mention(7, EntityLabel::Org, 0.9),
            model_mention(9, EntityLabel::Loc, 0.9),
            model_mention(11, EntityLabel::Per, 0.9),
        ];
        relabel_latin_codes(&doc, &mut found);
        let labels: Vec<EntityLabel> = found.iter().map(|(_, c)| c.m.label).collect();
        use EntityLabel::{Misc, Org, Per};
        assert_eq!(labels, [Misc, Org, Misc, Per]);
        assert!(is_latin_code("x86") && is_latin_code("4BSD"));
        assert!(!is_latin_code("1989") && !is_latin_code("Sun") && !is_latin_code("Wi-Fi6"));
    }

    #[test]
    fn propagation_skips_words_the_document_disagrees_about() {
        let model = builtin_model("ar").unwrap();
        let doc = doc_of("كوباني | كوباني | كوباني");
        let mut found = vec![
            model_mention(0, EntityLabel::Per, 0.8),
            model_mention(1, EntityLabel::Loc, 0.8),
        ];
        propagate(&doc, &model, None, &mut found);
        assert_eq!(found.len(), 2);
    }
}

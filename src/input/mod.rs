//! Inputs: resolving the paths a user names into input files, and reading those files into raw
//! records (the only module besides the writer that does I/O).
//!
//! A path may be a file, a directory (walked recursively, in sorted order), a glob pattern, or
//! `@list.txt` (one path per line; blank lines and `#` comments are skipped). The `source` of a
//! record is the file's path relative to its input root (the directory named, the glob's fixed
//! prefix, or the file's own folder), plus `#id` for members of WARC and JSON Lines files.

mod gzip;
mod read;
pub mod warc;

pub use read::{ReadItem, RecordReader};

use std::path::{Path, PathBuf};

/// The container format of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One HTML page per file.
    Html,
    /// A WARC file of `response` records.
    Warc,
    /// JSON Lines, one page per line.
    Jsonl,
}

/// The compression of an input file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip (`.gz`), possibly with several members.
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

/// One input file and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path to open.
    pub path: PathBuf,
    /// The path relative to its input root, with `/` separators: the `source` prefix.
    pub relative: String,
    /// The container format.
    pub format: InputFormat,
    /// The compression.
    pub compression: Compression,
    /// Size on disk in bytes.
    pub size: u64,
}

/// How to interpret input files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatChoice {
    /// Decide from the file name; files of unknown type inside directories are skipped.
    #[default]
    Auto,
    /// Treat every file as (possibly compressed) HTML whatever its name.
    Html,
    /// Treat every file as WARC.
    Warc,
    /// Treat every file as JSON Lines.
    Jsonl,
}

/// The result of resolving the user's input paths.
#[derive(Debug, Clone, Default)]
pub struct ResolvedInputs {
    /// The files to read, in a deterministic order.
    pub files: Vec<InputFile>,
    /// Files found in directories but skipped because their type is not recognised.
    pub skipped: Vec<PathBuf>,
}

impl ResolvedInputs {
    /// Total size on disk of the files to read.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// Keeps only the `index`-th of `count` deterministic slices of the files (0-based index),
    /// for splitting one corpus over several machines (`--shard I/N`).
    pub fn shard(&mut self, index: usize, count: usize) {
        let mut i = 0;
        self.files.retain(|_| {
            let keep = count > 0 && i % count == index;
            i += 1;
            keep
        });
    }
}

/// Classifies a file name: its format and compression, or `None` when the name says neither
/// HTML, WARC nor JSON Lines.
pub fn classify(name: &str, choice: FormatChoice) -> Option<(InputFormat, Compression)> {
    let lower = name.to_ascii_lowercase();
    let (stem, compression) = if let Some(s) = lower.strip_suffix(".gz") {
        (s.to_string(), Compression::Gzip)
    } else if let Some(s) = lower.strip_suffix(".zst") {
        (s.to_string(), Compression::Zstd)
    } else {
        (lower.clone(), Compression::None)
    };
    let format = match choice {
        FormatChoice::Html => InputFormat::Html,
        FormatChoice::Warc => InputFormat::Warc,
        FormatChoice::Jsonl => InputFormat::Jsonl,
        FormatChoice::Auto => {
            if stem.ends_with(".html") || stem.ends_with(".htm") || stem.ends_with(".xhtml") {
                InputFormat::Html
            } else if stem.ends_with(".warc") || stem.ends_with(".arc") {
                InputFormat::Warc
            } else if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
                InputFormat::Jsonl
            } else {
                return None;
            }
        }
    };
    Some((format, compression))
}

/// Resolves the user's input arguments into files. Every error here is fatal (the run does not
/// start): a path that does not exist, a glob that matches nothing, an unreadable list file, or
/// a file named directly whose type is unknown (without `--input-format`).
pub fn resolve(args: &[String], choice: FormatChoice) -> Result<ResolvedInputs, String> {
    let mut out = ResolvedInputs::default();
    for arg in args {
        if let Some(list) = arg.strip_prefix('@') {
            let content = std::fs::read_to_string(list)
                .map_err(|e| format!("cannot read input list `{list}`: {e}"))?;
            let base = Path::new(list).parent().unwrap_or(Path::new(""));
            let entries: Vec<String> = content
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| {
                    let p = Path::new(l);
                    if p.is_absolute() {
                        l.to_string()
                    } else {
                        base.join(p).to_string_lossy().into_owned()
                    }
                })
                .collect();
            for entry in &entries {
                resolve_one(entry, choice, &mut out)?;
            }
        } else {
            resolve_one(arg, choice, &mut out)?;
        }
    }
    if out.files.is_empty() {
        return Err(format!(
            "no input files found in {} (recognised: .html .htm .xhtml .warc .jsonl, optionally .gz or .zst; use --input-format to force one)",
            args.join(", ")
        ));
    }
    Ok(out)
}

fn resolve_one(arg: &str, choice: FormatChoice, out: &mut ResolvedInputs) -> Result<(), String> {
    let path = Path::new(arg);
    if path.is_dir() {
        walk_dir(path, path, choice, out)
    } else if path.is_file() {
        let root = path.parent().unwrap_or(Path::new(""));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some((format, compression)) = classify(&name, choice) else {
            return Err(format!(
                "`{arg}`: unknown input type (expected .html .htm .xhtml .warc .jsonl, optionally .gz or .zst); use --input-format html|warc|jsonl"
            ));
        };
        push_file(path, root, format, compression, out)
    } else if arg.contains(['*', '?', '[']) {
        let paths = glob::glob(arg).map_err(|e| format!("bad glob pattern `{arg}`: {e}"))?;
        let root = glob_root(arg);
        let mut matched: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
        matched.sort();
        if matched.is_empty() {
            return Err(format!("the glob `{arg}` matches no file"));
        }
        for p in matched {
            if p.is_dir() {
                walk_dir(&p, &root, choice, out)?;
            } else {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match classify(&name, choice) {
                    Some((format, compression)) => push_file(&p, &root, format, compression, out)?,
                    None => out.skipped.push(p),
                }
            }
        }
        Ok(())
    } else {
        Err(format!("input path `{arg}` does not exist"))
    }
}

fn glob_root(pattern: &str) -> PathBuf {
    let mut root = PathBuf::new();
    for component in Path::new(pattern).components() {
        let s = component.as_os_str().to_string_lossy();
        if s.contains(['*', '?', '[']) {
            break;
        }
        root.push(component);
    }
    root
}

fn walk_dir(
    dir: &Path,
    root: &Path,
    choice: FormatChoice,
    out: &mut ResolvedInputs,
) -> Result<(), String> {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot walk `{}`: {e}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        match classify(&name, choice) {
            Some((format, compression)) => push_file(entry.path(), root, format, compression, out)?,
            None => out.skipped.push(entry.path().to_path_buf()),
        }
    }
    Ok(())
}

fn push_file(
    path: &Path,
    root: &Path,
    format: InputFormat,
    compression: Compression,
    out: &mut ResolvedInputs,
) -> Result<(), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    std::fs::File::open(path).map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
    let relative = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    out.files.push(InputFile {
        path: path.to_path_buf(),
        relative,
        format,
        compression,
        size: meta.len(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified() {
        use Compression::*;
        use InputFormat::*;
        let auto = FormatChoice::Auto;
        assert_eq!(classify("a.html", auto), Some((Html, None)));
        assert_eq!(classify("A.HTM.gz", auto), Some((Html, Gzip)));
        assert_eq!(classify("x.xhtml.zst", auto), Some((Html, Zstd)));
        assert_eq!(classify("c.warc.gz", auto), Some((Warc, Gzip)));
        assert_eq!(classify("p.jsonl.gz", auto), Some((Jsonl, Gzip)));
        assert_eq!(classify("notes.txt", auto), Option::None);
        assert_eq!(classify("page", FormatChoice::Html), Some((Html, None)));
    }

    #[test]
    fn glob_root_is_the_fixed_prefix() {
        assert_eq!(glob_root("data/x/*.html"), PathBuf::from("data/x"));
        assert_eq!(glob_root("data/**/p?.html"), PathBuf::from("data"));
    }

    #[test]
    fn shards_partition_the_files() {
        let files: Vec<InputFile> = (0..7)
            .map(|i| InputFile {
                path: PathBuf::from(format!("{i}.html")),
                relative: format!("{i}.html"),
                format: InputFormat::Html,
                compression: Compression::None,
                size: 1,
            })
            .collect();
        let mut seen = Vec::new();
        for index in 0..3 {
            let mut r = ResolvedInputs {
                files: files.clone(),
                skipped: vec![],
            };
            r.shard(index, 3);
            seen.extend(r.files.into_iter().map(|f| f.relative));
        }
        seen.sort();
        let mut all: Vec<String> = files.into_iter().map(|f| f.relative).collect();
        all.sort();
        assert_eq!(seen, all);
    }
}

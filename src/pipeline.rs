//! Pipelines as data: which stages run, in which order, with which options.
//!
//! A pipeline file (`pipelines/*.toml`) looks like
//!
//! ```toml
//! name = "arabic-news"
//! description = "..."
//! stages = ["clean", "tokenize", "entities"]
//!
//! [tokenize]
//! teh_marbuta = false
//!
//! [entities]
//! lists = ["my-actors.tsv"]
//! ```
//!
//! Every table other than `name`, `description` and `stages` must be named after a listed stage
//! and holds that stage's options. The `entities` stage also gets a `base_dir` option, the pipeline
//! file's folder, against which relative list paths are resolved. Without a file, the built-in
//! default runs `clean`, `tokenize` and `entities` with default options.

use crate::stage::Stage;
use crate::stages::build_stage;
use std::path::Path;

/// The stages of the built-in default pipeline.
pub const DEFAULT_STAGES: &[&str] = &["clean", "tokenize", "entities"];

/// A loaded pipeline: its stages, ready to run, and its configuration for the manifest.
pub struct Pipeline {
    /// The pipeline's name (`default` for the built-in one).
    pub name: String,
    /// The stages in order.
    pub stages: Vec<Box<dyn Stage>>,
    /// The configuration as loaded (for `manifest.json`).
    pub config: toml::Table,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("name", &self.name)
            .field("stages", &self.stage_names())
            .finish()
    }
}

impl Pipeline {
    /// The built-in default pipeline.
    pub fn default_pipeline() -> Result<Pipeline, String> {
        let mut config = toml::Table::new();
        config.insert("name".into(), toml::Value::String("default".into()));
        config.insert(
            "stages".into(),
            toml::Value::Array(
                DEFAULT_STAGES
                    .iter()
                    .map(|s| toml::Value::String((*s).into()))
                    .collect(),
            ),
        );
        Pipeline::from_table(config, None)
    }

    /// Loads a pipeline file.
    pub fn from_file(path: &Path) -> Result<Pipeline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read pipeline file `{}`: {e}", path.display()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| format!("pipeline file `{}` is not valid TOML: {e}", path.display()))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Pipeline::from_table(table, Some(&base))
            .map_err(|e| format!("pipeline file `{}`: {e}", path.display()))
    }

    /// Builds a pipeline from a parsed configuration; `base_dir` resolves relative paths.
    pub fn from_table(
        mut config: toml::Table,
        base_dir: Option<&Path>,
    ) -> Result<Pipeline, String> {
        let name = match config.get("name") {
            None => "unnamed".to_string(),
            Some(toml::Value::String(s)) => s.clone(),
            Some(_) => return Err("`name` must be a string".into()),
        };
        if config.get("description").is_some_and(|d| !d.is_str()) {
            return Err("`description` must be a string".into());
        }
        let stage_names: Vec<String> = match config.get("stages") {
            None => DEFAULT_STAGES.iter().map(|s| s.to_string()).collect(),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or("`stages` must be a list of stage names")
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("`stages` must be a list of stage names".into()),
        };
        for (key, value) in &config {
            if matches!(key.as_str(), "name" | "description" | "stages") {
                continue;
            }
            if !value.is_table() {
                return Err(format!(
                    "unknown setting `{key}` (expected name, description, stages, or a table per stage)"
                ));
            }
            if !stage_names.iter().any(|s| s == key) {
                return Err(format!(
                    "options table `[{key}]` names a stage that is not in `stages` ({})",
                    stage_names.join(", ")
                ));
            }
        }
        let mut stages: Vec<Box<dyn Stage>> = Vec::new();
        for stage_name in &stage_names {
            if stages.iter().any(|s| s.name() == stage_name) {
                return Err(format!("stage `{stage_name}` is listed twice"));
            }
            let mut options = config
                .get(stage_name)
                .and_then(|v| v.as_table())
                .cloned()
                .unwrap_or_default();
            if stage_name == "entities"
                && let Some(base) = base_dir
            {
                options.insert(
                    "base_dir".into(),
                    toml::Value::String(base.to_string_lossy().into_owned()),
                );
            }
            let stage = build_stage(stage_name, options)
                .map_err(|e| format!("stage `{stage_name}`: {e}"))?;
            stages.push(stage);
        }
        config.insert("name".into(), toml::Value::String(name.clone()));
        Ok(Pipeline {
            name,
            stages,
            config,
        })
    }

    /// The names of the stages in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }
}

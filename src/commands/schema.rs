//! `runsheet schema`: the JSON Schema of every file runsheet reads, derived
//! from the same types the loader uses.

use schemars::generate::SchemaSettings;

use crate::playbook::doc::AnyDocument;

/// The schema as pretty-printed JSON with a trailing newline.
pub fn schema_json() -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<AnyDocument>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

//! The values CACAO gives its variables. A constant (`__ip__` =
//! `1.2.3.4`) is what a responder needs where a step says "Block __ip__";
//! runsheet facts hold answers, not given values, so the value goes into
//! the fact's help and into the instructions of every step that names it.

use serde_json::Value;

/// A variable with a value in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valued {
    pub name: String,
    pub value: String,
    pub constant: bool,
}

/// The variables `step` can see that have a value: its own
/// `step_variables`, then the playbook's it does not redefine.
pub fn visible(root: &Value, step: &Value) -> Vec<Valued> {
    let own = step["step_variables"].as_object();
    let shadowed = |name: &str| own.is_some_and(|o| o.contains_key(name));
    let playbook = root["playbook_variables"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| !shadowed(name));
    own.into_iter()
        .flatten()
        .chain(playbook)
        .filter_map(|(name, variable)| valued(name, variable))
        .collect()
}

/// `variable`'s value, if it has one (`null` and `""` are none).
fn valued(name: &str, variable: &Value) -> Option<Valued> {
    let value = match &variable["value"] {
        Value::Null => return None,
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(Valued {
        name: name.to_string(),
        value,
        constant: variable["constant"].as_bool() == Some(true),
    })
}

/// The help of the fact made from `variable`: the value the source gives.
pub fn fact_help(name: &str, variable: &Value) -> Option<String> {
    let v = valued(name, variable)?;
    let what = if v.constant {
        "a constant"
    } else {
        "its initial value"
    };
    Some(format!(
        "The source sets it to {} ({what}).",
        code(&v.value)
    ))
}

/// An instruction giving the values of the variables `text` names.
pub fn named_in(text: &str, visible: &[Valued]) -> Option<String> {
    let named: Vec<String> = visible
        .iter()
        .filter(|v| text.contains(&v.name))
        .map(|v| {
            let constant = if v.constant { " (constant)" } else { "" };
            format!("{} = {}{constant}", code(&v.name), code(&v.value))
        })
        .collect();
    (!named.is_empty()).then(|| format!("Values in the source: {}.", named.join("; ")))
}

/// `text` as a Markdown code span, whatever backticks it holds.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_step_sees_its_own_values_before_the_playbooks() {
        let root = json!({"playbook_variables": {
            "__ip__": {"type": "ipv4-addr", "value": "1.2.3.4", "constant": true},
            "__port__": {"type": "string", "value": "443"},
            "__unknown__": {"type": "string", "value": null},
            "__blank__": {"type": "string", "value": ""},
        }});
        let step = json!({"step_variables": {"__port__": {"type": "integer", "value": 8443}}});
        assert_eq!(
            visible(&root, &step),
            [
                Valued {
                    name: "__port__".into(),
                    value: "8443".into(),
                    constant: false
                },
                Valued {
                    name: "__ip__".into(),
                    value: "1.2.3.4".into(),
                    constant: true
                },
            ]
        );
        let seen = visible(&root, &step);
        assert_eq!(
            named_in("Block __ip__ on __port__", &seen).as_deref(),
            Some("Values in the source: `__port__` = `8443`; `__ip__` = `1.2.3.4` (constant).")
        );
        assert_eq!(named_in("Nothing named", &seen), None);
        assert_eq!(code("a `b` c"), "`` a `b` c ``");
    }
}

//! A strict, small well-formedness checker for the HTML runsheet writes:
//! every non-void element closed in order, attributes double-quoted and not
//! repeated, `&` only in entities, no raw `<` or `>` in text, and no block
//! element inside a paragraph (which a browser would silently re-nest).
//!
//! Shared by the export and exercise-report tests.

#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
const BLOCK: [&str; 13] = [
    "div", "dl", "figure", "footer", "h1", "h2", "h3", "header", "p", "section", "table", "ul",
    "nav",
];
/// Elements whose children may close themselves (`<rect/>`).
const FOREIGN: [&str; 1] = ["svg"];

pub fn parse(html: &str) -> Result<Vec<Tag>, String> {
    let bytes = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut tags = Vec::new();
    let mut i = 0;
    let at = |i: usize, what: &str| {
        let line = html[..i].matches('\n').count() + 1;
        format!("line {line}: {what}")
    };
    if !html.starts_with("<!DOCTYPE html>\n") {
        return Err(at(0, "no doctype"));
    }
    i += "<!DOCTYPE html>\n".len();
    while i < bytes.len() {
        match bytes[i] {
            b'<' if html[i..].starts_with("<!--") => {
                let Some(end) = html[i..].find("-->") else {
                    return Err(at(i, "unclosed comment"));
                };
                i += end + 3;
            }
            b'<' if html[i..].starts_with("</") => {
                let Some(end) = html[i..].find('>') else {
                    return Err(at(i, "unclosed end tag"));
                };
                let name = &html[i + 2..i + end];
                match stack.pop() {
                    Some(open) if open == name => {}
                    Some(open) => return Err(at(i, &format!("</{name}> closes <{open}>"))),
                    None => return Err(at(i, &format!("</{name}> closes nothing"))),
                }
                i += end + 1;
            }
            b'<' => {
                let (tag, end, self_closing) = start_tag(html, i).map_err(|e| at(i, &e))?;
                if BLOCK.contains(&tag.name.as_str()) && stack.last().is_some_and(|t| t == "p") {
                    return Err(at(i, &format!("<{}> inside <p>", tag.name)));
                }
                let in_foreign = stack.iter().any(|t| FOREIGN.contains(&t.as_str()));
                if self_closing && !in_foreign && !VOID.contains(&tag.name.as_str()) {
                    return Err(at(i, &format!("<{}/> is not a void element", tag.name)));
                }
                i = end;
                if tag.name == "style" {
                    let Some(close) = html[i..].find("</style>") else {
                        return Err(at(i, "unclosed <style>"));
                    };
                    i += close + "</style>".len();
                } else if !self_closing && !VOID.contains(&tag.name.as_str()) {
                    stack.push(tag.name.clone());
                }
                tags.push(tag);
            }
            b'>' => return Err(at(i, "raw `>` in text")),
            b'&' => {
                let rest = &html[i + 1..];
                let Some(end) = rest.find(';') else {
                    return Err(at(i, "bare `&`"));
                };
                let entity = &rest[..end];
                let named = !entity.is_empty() && entity.chars().all(|c| c.is_ascii_alphanumeric());
                let numeric = entity
                    .strip_prefix('#')
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                if !(named || numeric) || end > 10 {
                    return Err(at(i, "bare `&`"));
                }
                i += end + 2;
            }
            _ => i += 1,
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements: {stack:?}"));
    }
    if tags.first().is_none_or(|t| t.name != "html") {
        return Err("the document element is not <html>".into());
    }
    Ok(tags)
}

/// Parses `<name attr="value" ...>` at `i`; returns the tag, the index
/// after it, and whether it closed itself.
fn start_tag(html: &str, i: usize) -> Result<(Tag, usize, bool), String> {
    let bytes = html.as_bytes();
    let mut j = i + 1;
    let name_end = html[j..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map(|n| j + n)
        .ok_or("unclosed tag")?;
    let name = html[j..name_end].to_string();
    if name.is_empty() || name != name.to_ascii_lowercase() {
        return Err(format!("bad tag name `{name}`"));
    }
    j = name_end;
    let mut attributes: Vec<(String, String)> = Vec::new();
    loop {
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        match bytes.get(j) {
            Some(b'>') => return Ok((Tag { name, attributes }, j + 1, false)),
            Some(b'/') if bytes.get(j + 1) == Some(&b'>') => {
                return Ok((Tag { name, attributes }, j + 2, true));
            }
            Some(_) => {}
            None => return Err("unclosed tag".into()),
        }
        let attr_end = html[j..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .map(|n| j + n)
            .ok_or("unclosed tag")?;
        let attr = html[j..attr_end].to_string();
        if attr.is_empty() {
            return Err(format!("bad attribute in <{name}>"));
        }
        if bytes.get(attr_end) != Some(&b'=') || bytes.get(attr_end + 1) != Some(&b'"') {
            return Err(format!(
                "attribute `{attr}` of <{name}> is not double-quoted"
            ));
        }
        let value_start = attr_end + 2;
        let value_end = html[value_start..]
            .find('"')
            .map(|n| value_start + n)
            .ok_or("unclosed attribute value")?;
        let value = &html[value_start..value_end];
        if value.contains('<') {
            return Err(format!("raw `<` in attribute `{attr}`"));
        }
        if attributes.iter().any(|(a, _)| *a == attr) {
            return Err(format!("attribute `{attr}` repeated in <{name}>"));
        }
        attributes.push((attr, value.replace("&amp;", "&")));
        j = value_end + 1;
    }
}

//! Embeds every rule file under assets/rules/ (besides rulebook.json) and every practice case
//! under assets/cases/, so that adding one needs no code change. The lists are sorted, so the
//! build is reproducible.

use std::fmt::Write as _;
use std::path::Path;

/// Write `OUT_DIR/<out>`: a slice of `<kind> { name, text }` for each .json file of `folder`.
fn embed(folder: &str, skip: &[&str], kind: &str, out: &str) {
    // Read at run time: `env!` would freeze the folder the build script was first compiled in
    // (a copied target folder then embeds another checkout's files).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&manifest_dir).join("assets").join(folder);
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| name.ends_with(".json") && !skip.contains(&name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ =
            writeln!(code, "    {kind} {{ name: {name:?}, text: include_str!({:?}) }},", path.display().to_string());
    }
    code.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join(out);
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}

fn main() {
    embed("rules", &["rulebook.json"], "RuleSource", "rule_files.rs");
    embed("cases", &[], "CaseSource", "case_files.rs");
}

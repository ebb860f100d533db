//! physio-intake: a terminal intake for physiotherapy and massage clinics.
//!
//! The clinical core (`domain`, `rules`, `plan`, `assessment`, `content`, `report`) is pure: no
//! files, no terminal, no clock. `store` is the only code that touches the disk.

pub mod assessment;
pub mod cli;
pub mod content;
pub mod domain;
pub mod export;
pub mod follow_up;
pub mod gate;
pub mod known;
pub mod plan;
pub mod practice;
pub mod record;
pub mod report;
pub mod rules;
pub mod store;
pub mod tui;
pub mod words;

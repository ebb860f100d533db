//! The questionnaire, body regions, answers and their validation, dates and age. Pure: no files,
//! no terminal, no clock (the visit date is always an input).

pub mod answers;
pub mod dates;
pub mod questionnaire;
pub mod regions;

pub use answers::{AnswerError, Answers, Problem, Value};
pub use questionnaire::{Item, ItemId, ItemType, Questionnaire, Section};
pub use regions::{RegionId, Regions};

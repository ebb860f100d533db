//! What the app and the runner say to each other: messages in (keys, time, what the store
//! answered) and effects out (what the runner does with the store).

use super::screens::wizard::{OpenedDraft, OpenedRecord};
use crate::practice::Attempt;
use crate::record::{Draft, Record};
use crate::store::StoreError;
use crate::store::drafts::DraftSummary;
use crate::store::index::ListEntry;
use crate::store::practice::Unfinished;
use ratatui::crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// Time passed (the runner's wait ended): autosave if due.
    Tick,
    DraftSaved(Result<(), StoreError>),
    RecordSaved(Result<Box<Record>, StoreError>),
    /// The drafts left to recover, or why they could not be read.
    DraftsFound(Result<Vec<DraftSummary>, StoreError>),
    /// A draft read back (with the visit it follows, for a follow-up); `view_only` when it is
    /// opened just to look at.
    DraftOpened(Result<Box<OpenedDraft>, StoreError>, bool),
    RecordOpened(Result<Box<OpenedRecord>, StoreError>),
    /// Practice attempts read back (after a save, or at start) for the progress view.
    AttemptsLoaded(Result<Vec<Attempt>, StoreError>),
    /// The lock for amending the open record: granted, or why not.
    AmendGranted(Result<(), StoreError>),
    RecordsListed(Result<Vec<ListEntry>, StoreError>),
    RecordShown(Result<Vec<String>, StoreError>),
    /// The unfinished practice attempts (after one was saved or thrown away, or at start), or
    /// why the last save or removal failed.
    UnfinishedFound(Result<Vec<Unfinished>, StoreError>),
    /// A draft could not be thrown away (it stays, and is offered again next time).
    DraftNotDiscarded(StoreError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SaveDraft(Box<Draft>),
    DiscardDraft(String),
    /// Save a record: a new one (`revision == 1`) or the next revision of the open one.
    SaveRecord(Box<Record>),
    /// Open a draft: to edit it, or (`true`) only to look at it.
    OpenDraft(String, bool),
    ListRecords,
    ShowRecord(String),
    /// Open a record in the wizard (editable if in progress and nobody else has it).
    OpenRecord(String),
    /// Take the editing lock of a completed record, to amend it.
    BeginAmend(String),
    /// The record is closed: let go of its editing lock.
    ReleaseRecord,
    /// Save a graded practice attempt (under practice/, apart from patient records).
    SaveAttempt(Box<Attempt>),
    /// Save a practice attempt not graded yet (autosave, pause), under practice/.
    SaveUnfinished(Box<Unfinished>),
    /// The unfinished attempt of this id is graded or discarded: forget it.
    DiscardUnfinished(String),
    Quit,
}

//! The app and its runner on a real store in a temporary folder, as the program has them (no
//! terminal): every message goes through `Runner::dispatch`, the loop's own path. A "crash"
//! stops carrying out effects at a chosen point. Included with `#[path]` after `common/app.rs`.

#![allow(dead_code)] // each test file uses the part it needs

use super::harness::{content, nine_o_clock, today};
use physio_intake::store::{Store, new_id};
use physio_intake::tui::app::{App, Effect, Msg, Session};
use physio_intake::tui::runner::Runner;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

pub struct Clinic {
    pub app: App,
    pub runner: Runner,
    /// Every effect carried out, in order.
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// Die right after the next record save is durable: nothing after it is carried out.
    pub crash_after_record_save: bool,
    /// The process "died": nothing more happens.
    pub crashed: bool,
}

impl Clinic {
    /// The clinic app on the store in `dir`, started as the program starts it.
    pub fn open(dir: &Path) -> Clinic {
        Clinic::start(dir, |_| {})
    }

    /// Practice mode on the built-in cases.
    pub fn practice(dir: &Path) -> Clinic {
        Clinic::start(dir, |app| {
            let cases = physio_intake::practice::Cases::embedded(content()).unwrap_or_else(|e| panic!("{e:?}"));
            app.enter_practice(cases, None);
        })
    }

    fn start(dir: &Path, set_up: impl FnOnce(&mut App)) -> Clinic {
        let ids = Box::new(|| new_id(chrono::Utc::now()));
        let mut app = App::new(content(), nine_o_clock(), today(), ids);
        app.user = "j.okafor".into();
        set_up(&mut app);
        let mut runner = Runner::new(Store::open(dir).unwrap_or_else(|e| panic!("{e}")));
        runner.start(&mut app);
        Clinic { app, runner, effects: Vec::new(), quit: false, crash_after_record_save: false, crashed: false }
    }

    /// Update with a message; the runner carries out every effect and feeds back every reply.
    pub fn send(&mut self, msg: Msg) {
        if self.crashed {
            return;
        }
        let crash = self.crash_after_record_save;
        let mut dying_save = None;
        let done = self.runner.dispatch_until(&mut self.app, msg, |_, effect| match effect {
            Effect::SaveRecord(record) if crash => {
                dying_save = Some(record.clone());
                false
            }
            _ => true,
        });
        if let Some(record) = dying_save {
            // kill -9 right after the record is durable: the record file is written (a new
            // record, as the store's create does it), and nothing after it happens, not even
            // the removal of the intake's draft.
            assert_eq!(record.revision, 1, "the crash is simulated for a first save");
            self.runner.store.create(&record).unwrap_or_else(|e| panic!("{e}"));
            self.crashed = true;
        }
        self.quit |= done.contains(&Effect::Quit);
        self.effects.extend(done);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.send(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Time passes, so a pending draft is written.
    pub fn wait(&mut self, seconds: i64) {
        self.app.now += chrono::Duration::seconds(seconds);
        self.send(Msg::Tick);
    }

    pub fn screen(&self, width: u16, height: u16) -> String {
        super::harness::screen_text(&self.app, width, height)
    }

    pub fn session(&self) -> &Session {
        self.app.session().expect("an open intake")
    }

    /// Focus an item of the open session by id (moving through sections as a clinician would).
    pub fn focus(&mut self, item: &str) {
        let id = content().questionnaire.id(item).unwrap_or_else(|| panic!("no item {item}"));
        let section = content().questionnaire.section_of(id).id.clone();
        let target = content().questionnaire.sections.iter().position(|s| s.id == section).expect("a section");
        while self.session().form.section < target {
            self.press(KeyCode::PageDown);
        }
        while self.session().form.section > target {
            self.press(KeyCode::PageUp);
        }
        let position = self.session().form.visible_items(content()).iter().position(|i| *i == id);
        let position = position.unwrap_or_else(|| panic!("{item} is not shown"));
        if let Some(session) = self.app.session_mut() {
            session.form.focus = position;
        }
    }
}

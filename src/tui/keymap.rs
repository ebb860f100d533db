//! Every key binding, in one table. The context footer and the help overlay are both generated
//! from it, so they cannot drift from what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where the keyboard focus is, which decides what a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere (unless a dialog is open).
    Global,
    Home,
    /// The wizard, with a field focused; `text` when the field takes typed text.
    Form {
        text: bool,
    },
    /// A list-like field (choice, multi, regions): arrows move within it.
    ListField,
    /// The flag panel has the focus.
    Flags,
    /// A record or draft open read-only: moving and reading, no answering.
    ReadOnly,
    /// Practice mode: choosing a case.
    Practice,
    /// A practice attempt in the wizard: looked up before the global keys, which it overrides
    /// (F10 grades, Ctrl-S saves nothing, F4 is a hint).
    Attempt,
    Records,
    Dialog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Help,
    Save,
    Complete,
    Quit,
    Back,
    NextField,
    PrevField,
    Up,
    Down,
    Left,
    Right,
    Toggle,
    Confirm,
    Clear,
    Yes,
    No,
    Today,
    NextSection,
    PrevSection,
    FocusFlags,
    Acknowledge,
    Summary,
    Amend,
    FollowUp,
    /// Practice: show the flag panel for this attempt (counted as a hint).
    Hint,
    /// Mark the focused screening question not asked, with a reason.
    NotAsked,
    /// Document a decision that goes against the verdict (who, why).
    Override,
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// What the footer and help show for the keys.
    pub label: &'static str,
    pub action: Action,
    pub description: &'static str,
    /// The footer's short hint, for the few keys that matter most in the context.
    pub footer: Option<&'static str>,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

use Action as A;
use Context as C;
use KeyCode as K;

#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    Binding { context: C::Global, keys: &[(K::F(1), NONE)], label: "F1", action: A::Help, description: "help: every key", footer: None },
    Binding { context: C::Global, keys: &[(K::Char('s'), CTRL)], label: "Ctrl-S", action: A::Save, description: "save the record", footer: Some("save") },
    Binding { context: C::Global, keys: &[(K::Char('q'), CTRL), (K::Char('c'), CTRL)], label: "Ctrl-Q", action: A::Quit, description: "quit (asks before losing unsaved work)", footer: Some("quit") },
    Binding { context: C::Global, keys: &[(K::F(10), NONE)], label: "F10", action: A::Complete, description: "complete the record (needs name and consent)", footer: None },
    Binding { context: C::Global, keys: &[(K::PageDown, NONE)], label: "PgDn", action: A::NextSection, description: "next section", footer: Some("next section") },
    Binding { context: C::Global, keys: &[(K::PageUp, NONE)], label: "PgUp", action: A::PrevSection, description: "previous section", footer: None },
    Binding { context: C::Global, keys: &[(K::F(2), NONE)], label: "F2", action: A::FocusFlags, description: "go to the flag panel (why each flag fired)", footer: Some("flags") },
    Binding { context: C::Global, keys: &[(K::F(3), NONE)], label: "F3", action: A::Summary, description: "the whole summary: verdict, flags, avoid map, plan", footer: None },
    Binding { context: C::Global, keys: &[(K::F(5), NONE)], label: "F5", action: A::Amend, description: "amend the open completed record (asks who and why)", footer: None },
    Binding { context: C::Global, keys: &[(K::F(6), NONE)], label: "F6", action: A::FollowUp, description: "start a follow-up visit from the open record", footer: None },
    Binding { context: C::Global, keys: &[(K::Char('a'), CTRL)], label: "Ctrl-A", action: A::Acknowledge, description: "acknowledge the referral banner (kept with the record: who, when)", footer: None },
    Binding { context: C::Global, keys: &[(K::Char('n'), CTRL)], label: "Ctrl-N", action: A::NotAsked, description: "mark an unanswered safety or red-flag question not asked, with a reason (again: unmark)", footer: None },
    Binding { context: C::Global, keys: &[(K::Char('o'), CTRL)], label: "Ctrl-O", action: A::Override, description: "override the verdict: the decision goes against it (who, why)", footer: None },
    Binding { context: C::Home, keys: &[(K::Up, NONE)], label: "↑", action: A::Up, description: "previous choice", footer: None },
    Binding { context: C::Home, keys: &[(K::Down, NONE)], label: "↓", action: A::Down, description: "next choice", footer: None },
    Binding { context: C::Home, keys: &[(K::Enter, NONE)], label: "Enter", action: A::Confirm, description: "open the choice", footer: Some("open") },
    Binding { context: C::Home, keys: &[(K::Char('?'), NONE)], label: "?", action: A::Help, description: "help", footer: Some("help") },
    Binding { context: C::Home, keys: &[(K::Char('q'), NONE)], label: "q", action: A::Quit, description: "quit", footer: Some("quit") },
    Binding { context: C::Form { text: false }, keys: &[(K::Tab, NONE), (K::Down, NONE)], label: "Tab/↓", action: A::NextField, description: "next question", footer: Some("next") },
    Binding { context: C::Form { text: false }, keys: &[(K::BackTab, NONE), (K::BackTab, SHIFT), (K::Tab, SHIFT), (K::Up, NONE)], label: "S-Tab/↑", action: A::PrevField, description: "previous question", footer: None },
    Binding { context: C::Form { text: false }, keys: &[(K::Char('y'), NONE)], label: "y", action: A::Yes, description: "answer yes", footer: Some("yes") },
    Binding { context: C::Form { text: false }, keys: &[(K::Char('n'), NONE)], label: "n", action: A::No, description: "answer no", footer: Some("no") },
    Binding { context: C::Form { text: false }, keys: &[(K::Char(' '), NONE)], label: "Space", action: A::Toggle, description: "change the answer", footer: None },
    Binding { context: C::Form { text: false }, keys: &[(K::Delete, NONE), (K::Backspace, NONE)], label: "Del", action: A::Clear, description: "clear the answer", footer: None },
    Binding { context: C::Form { text: false }, keys: &[(K::Enter, NONE)], label: "Enter", action: A::NextField, description: "next question", footer: None },
    Binding { context: C::Form { text: false }, keys: &[(K::Char('?'), NONE)], label: "?", action: A::Help, description: "help", footer: None },
    Binding { context: C::Form { text: true }, keys: &[(K::Tab, NONE), (K::Down, NONE), (K::Enter, NONE)], label: "Tab", action: A::NextField, description: "next question (Enter: new line in notes)", footer: Some("next") },
    Binding { context: C::Form { text: true }, keys: &[(K::BackTab, NONE), (K::BackTab, SHIFT), (K::Tab, SHIFT), (K::Up, NONE)], label: "S-Tab", action: A::PrevField, description: "previous question", footer: None },
    Binding { context: C::Form { text: true }, keys: &[(K::Char('t'), CTRL)], label: "Ctrl-T", action: A::Today, description: "today's date (date fields)", footer: None },
    Binding { context: C::ListField, keys: &[(K::Up, NONE)], label: "↑", action: A::Up, description: "previous option or region", footer: None },
    Binding { context: C::ListField, keys: &[(K::Down, NONE)], label: "↓", action: A::Down, description: "next option or region", footer: None },
    Binding { context: C::ListField, keys: &[(K::Left, NONE)], label: "←", action: A::Left, description: "body chart: region to the left", footer: None },
    Binding { context: C::ListField, keys: &[(K::Right, NONE)], label: "→", action: A::Right, description: "body chart: region to the right", footer: None },
    Binding { context: C::ListField, keys: &[(K::Char(' '), NONE)], label: "Space", action: A::Toggle, description: "choose / tick the option or region", footer: Some("choose") },
    Binding { context: C::ListField, keys: &[(K::Enter, NONE), (K::Tab, NONE)], label: "Tab", action: A::NextField, description: "next question", footer: Some("next") },
    Binding { context: C::ListField, keys: &[(K::BackTab, NONE), (K::BackTab, SHIFT), (K::Tab, SHIFT)], label: "S-Tab", action: A::PrevField, description: "previous question", footer: None },
    Binding { context: C::ListField, keys: &[(K::Delete, NONE), (K::Backspace, NONE)], label: "Del", action: A::Clear, description: "clear the answer", footer: None },
    Binding { context: C::ListField, keys: &[(K::Char('?'), NONE)], label: "?", action: A::Help, description: "help", footer: None },
    Binding { context: C::Flags, keys: &[(K::Up, NONE)], label: "↑", action: A::Up, description: "previous flag", footer: None },
    Binding { context: C::Flags, keys: &[(K::Down, NONE)], label: "↓", action: A::Down, description: "next flag", footer: None },
    Binding { context: C::Flags, keys: &[(K::Enter, NONE)], label: "Enter", action: A::Confirm, description: "why it fired, what to do, sources", footer: Some("why") },
    Binding { context: C::Flags, keys: &[(K::Esc, NONE), (K::Tab, NONE)], label: "Esc", action: A::Back, description: "back to the form", footer: Some("back") },
    Binding { context: C::Flags, keys: &[(K::Char('?'), NONE)], label: "?", action: A::Help, description: "help", footer: None },
    Binding { context: C::ReadOnly, keys: &[(K::Tab, NONE), (K::Down, NONE), (K::Enter, NONE)], label: "Tab/↓", action: A::NextField, description: "next question", footer: Some("next") },
    Binding { context: C::ReadOnly, keys: &[(K::BackTab, NONE), (K::BackTab, SHIFT), (K::Tab, SHIFT), (K::Up, NONE)], label: "S-Tab/↑", action: A::PrevField, description: "previous question", footer: None },
    Binding { context: C::ReadOnly, keys: &[(K::PageDown, NONE)], label: "PgDn", action: A::NextSection, description: "next section", footer: Some("section") },
    Binding { context: C::ReadOnly, keys: &[(K::F(3), NONE)], label: "F3", action: A::Summary, description: "summary", footer: Some("summary") },
    Binding { context: C::ReadOnly, keys: &[(K::F(5), NONE)], label: "F5", action: A::Amend, description: "amend a completed record (asks who and why)", footer: Some("amend") },
    Binding { context: C::ReadOnly, keys: &[(K::F(6), NONE)], label: "F6", action: A::FollowUp, description: "start a follow-up visit", footer: Some("follow-up") },
    Binding { context: C::ReadOnly, keys: &[(K::Char('q'), CTRL), (K::Esc, NONE)], label: "Ctrl-Q", action: A::Quit, description: "close it", footer: Some("close") },
    Binding { context: C::ReadOnly, keys: &[(K::Char('?'), NONE)], label: "?", action: A::Help, description: "help", footer: None },
    Binding { context: C::Attempt, keys: &[(K::F(10), NONE)], label: "F10", action: A::Complete, description: "grade the attempt (saved with its score)", footer: Some("grade") },
    Binding { context: C::Attempt, keys: &[(K::F(4), NONE)], label: "F4", action: A::Hint, description: "show or hide the flags (showing counts as a hint)", footer: Some("hint") },
    Binding { context: C::Attempt, keys: &[(K::Char('s'), CTRL)], label: "Ctrl-S", action: A::Save, description: "nothing to save: only the graded attempt is kept", footer: None },
    Binding { context: C::Attempt, keys: &[(K::Char('q'), CTRL), (K::Char('c'), CTRL)], label: "Ctrl-Q", action: A::Quit, description: "leave the attempt (asks: grade, discard or cancel)", footer: Some("leave") },
    Binding { context: C::Practice, keys: &[(K::Up, NONE)], label: "↑", action: A::Up, description: "previous case", footer: None },
    Binding { context: C::Practice, keys: &[(K::Down, NONE)], label: "↓", action: A::Down, description: "next case", footer: None },
    Binding { context: C::Practice, keys: &[(K::Enter, NONE)], label: "Enter", action: A::Confirm, description: "start the case", footer: Some("start") },
    Binding { context: C::Practice, keys: &[(K::Char('?'), NONE)], label: "?", action: A::Help, description: "help", footer: Some("help") },
    Binding { context: C::Practice, keys: &[(K::Char('q'), NONE)], label: "q", action: A::Quit, description: "quit", footer: Some("quit") },
    Binding { context: C::Records, keys: &[(K::Up, NONE)], label: "↑", action: A::Up, description: "previous record", footer: None },
    Binding { context: C::Records, keys: &[(K::Down, NONE)], label: "↓", action: A::Down, description: "next record", footer: None },
    Binding { context: C::Records, keys: &[(K::Enter, NONE)], label: "Enter", action: A::Confirm, description: "open the record (read-only)", footer: Some("open") },
    Binding { context: C::Records, keys: &[(K::Esc, NONE)], label: "Esc", action: A::Back, description: "back", footer: Some("back") },
    Binding { context: C::Records, keys: &[(K::Backspace, NONE)], label: "type", action: A::Clear, description: "filter by patient, date or status as you type (Backspace deletes)", footer: Some("filter") },
    Binding { context: C::Dialog, keys: &[(K::Esc, NONE)], label: "Esc", action: A::Back, description: "close / cancel", footer: Some("close") },
    Binding { context: C::Dialog, keys: &[(K::Enter, NONE)], label: "Enter", action: A::Confirm, description: "confirm", footer: None },
    Binding { context: C::Dialog, keys: &[(K::Left, NONE), (K::BackTab, NONE), (K::BackTab, SHIFT), (K::Tab, SHIFT)], label: "←", action: A::Left, description: "previous button", footer: None },
    Binding { context: C::Dialog, keys: &[(K::Right, NONE), (K::Tab, NONE)], label: "→", action: A::Right, description: "next button", footer: None },
    Binding { context: C::Dialog, keys: &[(K::Up, NONE)], label: "↑", action: A::Up, description: "scroll up", footer: None },
    Binding { context: C::Dialog, keys: &[(K::Down, NONE)], label: "↓", action: A::Down, description: "scroll down", footer: None },
];

/// Letters typed with Shift arrive with SHIFT set; for matching, Shift on a character is part of
/// the character, and Shift+Tab comes as BackTab with or without SHIFT (terminals differ).
fn normalise(key: &KeyEvent) -> (KeyCode, KeyModifiers) {
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::SHIFT | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if mods == KeyModifiers::SHIFT => (KeyCode::Char(c), NONE),
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => (KeyCode::Char(c.to_ascii_lowercase()), CTRL),
        code => (code, mods),
    }
}

/// The action of a key in a context, then in the global context. Releases never count.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    lookup_in(&[context], key)
}

/// The action of a key in the first context of `chain` that binds it, then in the global
/// context (never from a dialog: a dialog takes its own keys only). Releases never count.
pub fn lookup_in(chain: &[Context], key: &KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = normalise(key);
    let in_context =
        |c: &Context| BINDINGS.iter().find(|b| b.context == *c && b.keys.contains(&pressed)).map(|b| b.action);
    chain
        .iter()
        .find_map(in_context)
        .or_else(|| if chain.first() == Some(&Context::Dialog) { None } else { in_context(&Context::Global) })
}

/// The key that does an action where the keyboard is (its binding in the context, else the
/// global one): every hint, banner and message names keys through this, never by hand.
pub fn key_for(action: Action, context: Context) -> &'static str {
    let in_context = |c: Context| BINDINGS.iter().find(|b| b.context == c && b.action == action);
    in_context(context)
        .or_else(|| in_context(Context::Global))
        .or_else(|| BINDINGS.iter().find(|b| b.action == action))
        .map_or("?", |b| b.label)
}

/// The footer hints for a chain of contexts: their own footer keys, then the global ones (inside
/// an intake), help last. A global key that a context of the chain rebinds is left out.
pub fn footer(chain: &[Context]) -> Vec<(&'static str, &'static str)> {
    let hint = |b: &Binding| b.footer.map(|hint| (b.label, hint));
    let mut hints: Vec<_> =
        chain.iter().flat_map(|c| BINDINGS.iter().filter(move |b| b.context == *c)).filter_map(hint).collect();
    let rebound =
        |b: &&Binding| BINDINGS.iter().any(|o| chain.contains(&o.context) && o.keys.iter().any(|k| b.keys.contains(k)));
    // The global keys (save, sections, flags) matter only inside an intake.
    if matches!(chain.first(), Some(Context::Form { .. } | Context::ListField | Context::Flags)) {
        hints.extend(BINDINGS.iter().filter(|b| b.context == Context::Global).filter(|b| !rebound(b)).filter_map(hint));
    }
    let context = chain.first().copied().unwrap_or(Context::Global);
    if context != Context::Dialog {
        hints.retain(|(_, h)| *h != "help");
        hints.push((key_for(Action::Help, Context::Global), "help"));
    }
    hints
}

/// Every binding grouped by context, for the help overlay. In a practice attempt the attempt's
/// keys come first and the global keys it rebinds are left out (F10 grades there; it never says
/// it completes a record); elsewhere the attempt's keys are not shown.
pub fn help_sections(in_attempt: bool) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let mut groups: Vec<(Context, &str)> = vec![
        (C::Global, "Anywhere"),
        (C::Home, "Home"),
        (C::Form { text: false }, "Questions (yes/no, numbers shown)"),
        (C::Form { text: true }, "Text, number and date fields (letters are text)"),
        (C::ListField, "Choices, lists and the body chart"),
        (C::Flags, "Flag panel"),
        (C::ReadOnly, "A record open read-only"),
        (C::Practice, "Practice: choosing a case"),
        (C::Records, "Records"),
        (C::Dialog, "Dialogs"),
    ];
    if in_attempt {
        groups.insert(0, (C::Attempt, "This practice attempt"));
    }
    let rebound = |b: &Binding| {
        in_attempt
            && b.context == C::Global
            && BINDINGS.iter().any(|o| o.context == C::Attempt && o.keys.iter().any(|k| b.keys.contains(k)))
    };
    groups
        .iter()
        .map(|(context, title)| {
            let keys = BINDINGS
                .iter()
                .filter(|b| b.context == *context && !rebound(b))
                .map(|b| (b.label, b.description))
                .collect();
            (*title, keys)
        })
        .collect()
}

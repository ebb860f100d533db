//! Colours and emphasis. Flags always carry a symbol and a word too, so colour is never the only
//! signal; the palette avoids red/green pairs (colour-blind safe: Okabe-Ito hues). With
//! `NO_COLOR`, a monochrome theme built from modifiers only.

use crate::rules::{Referral, Tier};
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
}

// Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
const VERMILLION: Color = Color::Rgb(213, 94, 0);
const ORANGE: Color = Color::Rgb(230, 159, 0);
const BLUE: Color = Color::Rgb(0, 114, 178);
const SKY: Color = Color::Rgb(86, 180, 233);
const GREY: Color = Color::Rgb(150, 150, 150);

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything non-empty, as no-color.org says).
    pub fn from_env(no_color: Option<std::ffi::OsString>) -> Theme {
        Theme { colour: no_color.is_none_or(|v| v.is_empty()) }
    }

    fn pick(self, colour: Style, mono: Style) -> Style {
        if self.colour { colour } else { mono }
    }

    pub fn base(self) -> Style {
        Style::default()
    }

    pub fn title(self) -> Style {
        self.pick(
            Style::default().fg(Color::Black).bg(SKY).add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    pub fn muted(self) -> Style {
        self.pick(Style::default().fg(GREY), Style::default().add_modifier(Modifier::DIM))
    }

    pub fn heading(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// The focused field or list row.
    pub fn focus(self) -> Style {
        self.pick(
            Style::default().bg(Color::Rgb(40, 60, 90)).add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED),
        )
    }

    pub fn error(self) -> Style {
        self.pick(
            Style::default().fg(VERMILLION).add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn ok(self) -> Style {
        self.pick(Style::default().fg(BLUE), Style::default())
    }

    pub fn selected(self) -> Style {
        self.pick(Style::default().fg(SKY).add_modifier(Modifier::BOLD), Style::default().add_modifier(Modifier::BOLD))
    }

    pub fn tier(self, tier: Option<Tier>) -> Style {
        match tier {
            Some(Tier::Stop) => self.pick(
                Style::default().fg(VERMILLION).add_modifier(Modifier::BOLD),
                Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            ),
            Some(Tier::Avoid) => self.pick(
                Style::default().fg(ORANGE).add_modifier(Modifier::BOLD),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Some(Tier::Modify) => {
                self.pick(Style::default().fg(SKY), Style::default().add_modifier(Modifier::UNDERLINED))
            }
            None => self.muted(),
        }
    }

    /// A pinned banner: emergency and urgent referrals, read-only records, practice mode.
    /// A referral's urgency: emergency and urgent as loud as STOP; routine plain, so it never
    /// reads as a stop.
    pub fn referral(self, referral: Option<Referral>) -> Style {
        match referral {
            Some(Referral::Emergency | Referral::Urgent) => self.tier(Some(Tier::Stop)),
            _ => Style::default().add_modifier(Modifier::ITALIC),
        }
    }

    pub fn banner(self, referral: Option<Referral>) -> Style {
        match referral {
            Some(Referral::Emergency | Referral::Urgent) => self.pick(
                Style::default().fg(Color::White).bg(VERMILLION).add_modifier(Modifier::BOLD),
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ),
            _ => self
                .pick(Style::default().fg(Color::Black).bg(ORANGE), Style::default().add_modifier(Modifier::REVERSED)),
        }
    }

    pub fn key(self) -> Style {
        self.pick(Style::default().fg(SKY).add_modifier(Modifier::BOLD), Style::default().add_modifier(Modifier::BOLD))
    }
}

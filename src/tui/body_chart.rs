//! The body-region picker and the avoid map: a simple chart, patient's right on the viewer's left
//! (as when facing the patient), front (chest, abdomen) and back (upper and lower back) side by
//! side in the middle columns. Arrows move between neighbouring regions.

use super::keymap::Action;
use super::theme::Theme;
use crate::domain::{RegionId, Regions};
use ratatui::text::{Line, Span};

/// (row, first column, last column, code, short label). Columns: 0 right arm, 1 right leg and
/// front of trunk, 2 left leg and back of trunk, 3 left arm.
pub const CELLS: &[(u8, u8, u8, &str, &str)] = &[
    (0, 1, 2, "head", "Head"),
    (1, 1, 2, "neck", "Neck"),
    (2, 0, 0, "shoulder_r", "R shoulder"),
    (2, 1, 1, "chest", "Chest"),
    (2, 2, 2, "upper_back", "Upper back"),
    (2, 3, 3, "shoulder_l", "L shoulder"),
    (3, 0, 0, "upper_arm_r", "R up. arm"),
    (3, 1, 1, "abdomen", "Abdomen"),
    (3, 2, 2, "lower_back", "Lower back"),
    (3, 3, 3, "upper_arm_l", "L up. arm"),
    (4, 0, 0, "elbow_r", "R elbow"),
    (4, 1, 2, "sacrum_pelvis", "Sacrum/pelvis"),
    (4, 3, 3, "elbow_l", "L elbow"),
    (5, 0, 0, "forearm_r", "R forearm"),
    (5, 1, 1, "hip_buttock_r", "R hip"),
    (5, 2, 2, "hip_buttock_l", "L hip"),
    (5, 3, 3, "forearm_l", "L forearm"),
    (6, 0, 0, "hand_r", "R hand"),
    (6, 1, 1, "thigh_r", "R thigh"),
    (6, 2, 2, "thigh_l", "L thigh"),
    (6, 3, 3, "hand_l", "L hand"),
    (7, 1, 1, "knee_r", "R knee"),
    (7, 2, 2, "knee_l", "L knee"),
    (8, 1, 1, "lower_leg_r", "R low. leg"),
    (8, 2, 2, "lower_leg_l", "L low. leg"),
    (9, 1, 1, "foot_r", "R foot"),
    (9, 2, 2, "foot_l", "L foot"),
];

pub const ROWS: u16 = 10;
pub const COLUMN_WIDTH: u16 = 12; // 11 for the label, 1 between columns
pub const WIDTH: u16 = COLUMN_WIDTH * 4;

fn cell_of(regions: &Regions, id: RegionId) -> Option<&'static (u8, u8, u8, &'static str, &'static str)> {
    let code = regions.code(id);
    CELLS.iter().find(|cell| cell.3 == code)
}

/// The chart row a region is drawn on.
pub fn row_of(code: &str) -> Option<u16> {
    CELLS.iter().find(|cell| cell.3 == code).map(|cell| u16::from(cell.0))
}

/// The neighbouring region in a direction (or the same one at the edge).
pub fn step(regions: &Regions, from: RegionId, direction: Action) -> RegionId {
    let Some(&(row, first, last, _, _)) = cell_of(regions, from) else { return from };
    let at = |r: i16, c: u8| CELLS.iter().find(|cell| i16::from(cell.0) == r && cell.1 <= c && c <= cell.2);
    let target = match direction {
        Action::Left if first > 0 => (0..first).rev().find_map(|c| at(i16::from(row), c)),
        Action::Right => (last + 1..4).find_map(|c| at(i16::from(row), c)),
        Action::Up => (0..i16::from(row)).rev().find_map(|r| at(r, first).or_else(|| at(r, last))),
        Action::Down => (i16::from(row) + 1..i16::from(ROWS as u8)).find_map(|r| at(r, first).or_else(|| at(r, last))),
        _ => None,
    };
    target.and_then(|cell| regions.id(cell.3)).unwrap_or(from)
}

/// The chart's cells with their screen offsets (x, y, width) inside a chart area.
pub fn layout() -> impl Iterator<Item = (u16, u16, u16, &'static str, &'static str)> {
    CELLS.iter().map(|&(row, first, last, code, label)| {
        (u16::from(first) * COLUMN_WIDTH, u16::from(row), (u16::from(last - first) + 1) * COLUMN_WIDTH - 1, code, label)
    })
}

/// Above the body chart, as wide as the chart (49 columns, so it fits the 50-column form at
/// 80x24), with the bar between the front and back columns.
pub const CHART_HEADER: &str = " patient's RIGHT  front │ back     patient's LEFT";

/// The body chart as lines: `state(code)` says whether a region is (selected, under the cursor).
pub fn chart_lines(theme: Theme, state: impl Fn(&str) -> (bool, bool)) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for row in 0..ROWS {
        let mut spans = vec![Span::raw(" ")];
        let mut x = 0u16;
        for (cx, cy, width, code, label) in layout() {
            if cy != row {
                continue;
            }
            if cx > x {
                spans.push(Span::raw(" ".repeat(usize::from(cx - x))));
                x = cx;
            }
            let (selected, under_cursor) = state(code);
            let text = if selected { format!("•{label}") } else { label.to_owned() };
            let text = format!("{:^w$}", crate::tui::width::fit(&text, usize::from(width)), w = usize::from(width));
            let style = match (selected, under_cursor) {
                (_, true) => theme.focus(),
                (true, false) => theme.tier(Some(crate::rules::Tier::Avoid)),
                _ => theme.muted(),
            };
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
            x += width + 1;
        }
        lines.push(Line::from(spans));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Content;

    #[test]
    fn every_region_is_on_the_chart_once() {
        let content = Content::embedded().unwrap();
        assert_eq!(CELLS.len(), content.regions.len());
        for (_, region) in content.regions.all() {
            assert_eq!(CELLS.iter().filter(|c| c.3 == region.code).count(), 1, "{}", region.code);
        }
    }

    #[test]
    fn arrows_move_to_neighbours() {
        let regions = &Content::embedded().unwrap().regions;
        let id = |code| regions.id(code).unwrap();
        assert_eq!(step(regions, id("chest"), Action::Right), id("upper_back"));
        assert_eq!(step(regions, id("chest"), Action::Left), id("shoulder_r"));
        assert_eq!(step(regions, id("chest"), Action::Up), id("neck"));
        assert_eq!(step(regions, id("knee_r"), Action::Down), id("lower_leg_r"));
        assert_eq!(step(regions, id("hand_r"), Action::Down), id("hand_r"), "nothing below the hand in its column");
        assert_eq!(step(regions, id("head"), Action::Up), id("head"));
        assert_eq!(step(regions, id("sacrum_pelvis"), Action::Down), id("hip_buttock_r"));
    }
}

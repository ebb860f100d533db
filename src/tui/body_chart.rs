//! The body-region picker and the avoid map: a simple chart, patient's right on the viewer's left
//! (as when facing the patient), front (chest, abdomen) and back (upper and lower back) side by
//! side in the middle columns. Where each region sits is data (`chart` in assets/regions.json,
//! checked at load); arrows move between neighbouring regions.

use super::keymap::Action;
use super::theme::Theme;
use crate::domain::{RegionId, Regions};
use ratatui::text::{Line, Span};

pub const COLUMN_WIDTH: u16 = 12; // 11 for the label, 1 between columns
pub const WIDTH: u16 = COLUMN_WIDTH * 4;

/// The chart's rows: one more than the lowest region's.
pub fn rows(regions: &Regions) -> u16 {
    regions.all().map(|(_, r)| u16::from(r.chart.row) + 1).max().unwrap_or(0)
}

/// The chart row a region is drawn on.
pub fn row_of(regions: &Regions, id: RegionId) -> u16 {
    u16::from(regions.get(id).chart.row)
}

/// The region at a row and column, if one is drawn there.
fn at(regions: &Regions, row: i16, column: u8) -> Option<RegionId> {
    regions.all().find_map(|(id, r)| {
        let [first, last] = r.chart.columns;
        (i16::from(r.chart.row) == row && first <= column && column <= last).then_some(id)
    })
}

/// The neighbouring region in a direction (or the same one at the edge).
pub fn step(regions: &Regions, from: RegionId, direction: Action) -> RegionId {
    let cell = &regions.get(from).chart;
    let (row, [first, last]) = (i16::from(cell.row), cell.columns);
    let bottom = rows(regions) as i16;
    let target = match direction {
        Action::Left if first > 0 => (0..first).rev().find_map(|c| at(regions, row, c)),
        Action::Right => (last + 1..4).find_map(|c| at(regions, row, c)),
        Action::Up => (0..row).rev().find_map(|r| at(regions, r, first).or_else(|| at(regions, r, last))),
        Action::Down => (row + 1..bottom).find_map(|r| at(regions, r, first).or_else(|| at(regions, r, last))),
        _ => None,
    };
    target.unwrap_or(from)
}

/// The chart's cells, in drawing order, with their offsets (x, y, width) inside a chart area.
pub fn layout(regions: &Regions) -> Vec<(u16, u16, u16, &str, &str)> {
    let mut cells: Vec<_> = regions
        .all()
        .map(|(_, r)| {
            let [first, last] = r.chart.columns;
            let (x, width) = (u16::from(first) * COLUMN_WIDTH, (u16::from(last - first) + 1) * COLUMN_WIDTH - 1);
            (x, u16::from(r.chart.row), width, r.code.as_str(), r.chart.short.as_str())
        })
        .collect();
    cells.sort_by_key(|&(x, y, ..)| (y, x));
    cells
}

/// Above the body chart, as wide as the chart (49 columns, so it fits the 50-column form at
/// 80x24), with the bar between the front and back columns.
pub const CHART_HEADER: &str = " patient's RIGHT  front │ back     patient's LEFT";

/// The body chart as lines: `state(code)` says whether a region is (selected, under the cursor).
pub fn chart_lines(regions: &Regions, theme: Theme, state: impl Fn(&str) -> (bool, bool)) -> Vec<Line<'static>> {
    let cells = layout(regions);
    let mut lines = Vec::new();
    for row in 0..rows(regions) {
        let mut spans = vec![Span::raw(" ")];
        let mut x = 0u16;
        for &(cx, cy, width, code, label) in &cells {
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

    #[test]
    fn every_region_is_reachable_with_the_arrows() {
        let regions = &Content::embedded().unwrap().regions;
        let mut seen = vec![regions.id("head").unwrap()];
        let mut next = 0;
        while next < seen.len() {
            for direction in [Action::Up, Action::Down, Action::Left, Action::Right] {
                let to = step(regions, seen[next], direction);
                if !seen.contains(&to) {
                    seen.push(to);
                }
            }
            next += 1;
        }
        assert_eq!(seen.len(), regions.len(), "a region no arrow reaches cannot be marked");
    }
}

/* The admin's calendar for a date field with data-latest="YYYY-MM-DD" (core.admin.actions.LatestDateWidget): the
   days after it are shown greyed, not offered (no link), and the "tomorrow" shortcut is left out, so a
   clerk cannot pick a day after today. The form still refuses such a day typed by hand.
   Installed on load: the admin's media may place this file before DateTimeShortcuts.js. */
'use strict';
window.addEventListener('load', function() {
    const shortcuts = window.DateTimeShortcuts;
    const calendars = window.CalendarNamespace;
    if (!shortcuts || !calendars) {
        return;
    }

    function latestOf(num) {
        const input = shortcuts.calendarInputs[num];
        return input ? input.dataset.latest : undefined;
    }

    const draw = calendars.draw;
    calendars.draw = function(month, year, divId) {
        draw.apply(this, arguments);
        const latest = latestOf(String(divId).replace(shortcuts.calendarDivName2, ''));
        if (!latest) {
            return;
        }
        const [lastYear, lastMonth, lastDay] = latest.split('-').map(Number);
        const shownYear = parseInt(year);
        const shownMonth = parseInt(month);
        document.getElementById(divId).querySelectorAll('td > a').forEach(function(link) {
            const day = Number(link.textContent);
            const later = shownYear !== lastYear ? shownYear > lastYear
                : shownMonth !== lastMonth ? shownMonth > lastMonth : day > lastDay;
            if (later) {
                const cell = link.parentNode;
                cell.textContent = link.textContent;
                cell.classList.add('nonday', 'after-latest');
                cell.style.color = 'var(--body-quiet-color)';
            }
        });
    };

    const openCalendar = shortcuts.openCalendar;
    shortcuts.openCalendar = function(num) {
        const result = openCalendar.apply(this, arguments);
        if (latestOf(num)) {
            // 昨天 | 今天 | 明天: the last link and the separator before it go.
            const links = document.querySelectorAll('#calendarbox' + num + ' .calendar-shortcuts a');
            if (links.length === 3) {
                links[2].previousSibling.remove();
                links[2].remove();
            }
            shortcuts.calendars[num].drawCurrent();  // drawn before this file was installed
        }
        return result;
    };
});

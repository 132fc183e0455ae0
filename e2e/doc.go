// Package e2e holds FocusFlow's browser tests: the real binary, started as a
// subprocess, driven through Debian's Chromium with chromedp. They run when
// FOCUSFLOW_TEST_CHROMIUM names the browser (CI sets /usr/bin/chromium) and
// skip otherwise. Screenshots go to e2e/artifacts/, or to the directory in
// FOCUSFLOW_TEST_ARTIFACTS.
package e2e

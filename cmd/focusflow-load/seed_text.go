package main

import (
	"math/rand/v2"
	"strings"

	"github.com/focusflow/focusflow"
)

// Real-looking text for seeded tasks and notes, so that search meets the words people
// write: task titles, descriptions, day notes and typed notes in English
// mixed with French, German and Spanish (accents, ß, ñ), drawn from word
// lists with a generator of its own (the rest of a user's history stays the
// same whatever the text).

var (
	textVerbs = [...]string{"Write", "Review", "Plan", "Fix", "Prepare", "Call", "Read", "Draft", "Update", "Clean up",
		"Réviser", "Préparer", "Planifier", "Écrire", "Überarbeiten", "Vorbereiten", "Prüfen", "Revisar", "Preparar",
		"Llamar a", "Organise", "Research", "Sketch", "Test", "Deploy"}
	textTopics = [...]string{"quarterly report", "budget spreadsheet", "onboarding guide", "release notes",
		"customer feedback", "API design", "database migration", "marketing plan", "team retrospective",
		"research paper", "thesis chapter", "invoice batch", "hiring pipeline", "security audit", "roadmap",
		"le rapport trimestriel", "la présentation client", "les factures de décembre", "le café des équipes",
		"die Jahresübersicht", "den Straßenplan", "die Präsentation", "das Übungsblatt", "la reunión de diseño",
		"el informe anual", "la campaña de otoño", "el presupuesto", "Zoë's proposal", "naïve Bayes notebook",
		"façade renovation", "piñata order", "Ørsted contract", "crème brûlée recipe"}
	textWords = [...]string{"meeting", "deadline", "client", "estimate", "review", "draft", "feedback", "priority",
		"blocker", "follow-up", "numbers", "chart", "slides", "summary", "metrics", "backlog", "ticket", "design",
		"budget", "invoice", "contract", "schedule", "travel", "library", "workshop", "interview", "sprint",
		"réunion", "équipe", "délai", "résumé", "idée", "problème", "données", "Besprechung", "Übersicht",
		"Aufgabe", "Größe", "Entwurf", "Kunde", "reunión", "tarea", "diseño", "mañana", "niño", "cumpleaños",
		"Paris", "München", "Zürich", "São Paulo", "Kraków", "Ålesund", "東京", "version 2.3", "#42", "v1.0-beta"}
	textFeelings = [...]string{"Felt focused", "Too many interruptions", "Good energy after lunch",
		"Slow start", "Productive morning", "Tired but done", "Très bonne journée", "Müde, aber zufrieden",
		"Un día tranquilo", "Distracted by email", "Great flow in the afternoon"}
	noteTitles = [...]string{"", "", "Ideas", "Reminder", "Reflection", "Next steps", "Questions for the team",
		"Idées", "Notizen", "Pendientes", "Lessons learned"}
)

// textGen writes one user's text.
type textGen struct{ rng *rand.Rand }

func newTextGen(userNum int) *textGen {
	return &textGen{rng: rand.New(rand.NewPCG(uint64(userNum), 0x7e47))}
}

func pick[T any](g *textGen, list []T) T { return list[g.rng.IntN(len(list))] }

func (g *textGen) title() string {
	if g.rng.IntN(4) == 0 {
		return taskTitles[g.rng.IntN(len(taskTitles))]
	}
	return pick(g, textVerbs[:]) + " " + pick(g, textTopics[:])
}

// sentence is 5–14 words, mostly from the word list, with a topic now and
// then.
func (g *textGen) sentence() string {
	n := 5 + g.rng.IntN(10)
	words := make([]string, 0, n+3)
	for i := 0; i < n; i++ {
		if g.rng.IntN(6) == 0 {
			words = append(words, pick(g, textTopics[:]))
		} else {
			words = append(words, pick(g, textWords[:]))
		}
	}
	s := []rune(strings.Join(words, " "))
	return strings.ToUpper(string(s[:1])) + string(s[1:]) + "."
}

func (g *textGen) paragraph(minS, maxS int) string {
	n := minS + g.rng.IntN(maxS-minS+1)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.sentence()
	}
	return strings.Join(parts, " ")
}

// description: four tasks in ten have one.
func (g *textGen) description() string {
	if g.rng.IntN(10) >= 4 {
		return ""
	}
	return g.paragraph(1, 3)
}

// dayNote: a note on three days in ten.
func (g *textGen) dayNote() (string, bool) {
	if g.rng.IntN(10) >= 3 {
		return "", false
	}
	return pick(g, textFeelings[:]) + ". " + g.paragraph(1, 4), true
}

// notes: a typed note on one day in five, sometimes two.
func (g *textGen) notes() []noteRow {
	var out []noteRow
	for g.rng.IntN(5) == 0 && len(out) < 2 {
		out = append(out, g.note())
	}
	return out
}

// note is a typed note of any type, with its search words.
func (g *textGen) note() noteRow {
	n := noteRow{typ: focusflow.NoteTypes[g.rng.IntN(len(focusflow.NoteTypes))], title: pick(g, noteTitles[:]),
		content: g.paragraph(1, 5)}
	n.words = focusflow.SearchWords(n.title, n.content)
	return n
}

// searchQueries are what the search scenario asks: whole words, prefixes,
// two words, accents typed or not, upper case, and a word nobody wrote.
var searchQueries = []string{"meeting", "rep", "budget", "réunion", "reunion", "ÜBERSICHT", "uber", "client feedback",
	"fac", "crème", "creme brulee", "dead", "sprint review", "mañana", "manana", "東京", "inv", "Zoë", "strasse",
	"straße", "design", "a", "pr", "quarterly report", "xylophone", "v1", "dé", "münchen", "muen", "sao paulo"}

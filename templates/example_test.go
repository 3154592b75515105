package templates_test

import (
	"fmt"
	"time"

	"afspraak/templates"
)

func ExampleRender() {
	at := time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC)
	body, err := templates.Render(templates.KindReminder, "nl", templates.MessageData{
		ClientName:   "Sanne",
		WorkerName:   "Jan de Vries",
		NextModality: "phone",
		ClientCalls:  true,
		SessionAt:    at,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(body)
	// Output:
	// Hallo Sanne, herinnering: dinsdag 3 maart om 14:00 heeft u een telefoongesprek met Jan de Vries.
	// U belt zelf. Lukt het niet? Laat het zo snel mogelijk weten.
}

func ExampleBuiltinAgenda() {
	a, _ := templates.BuiltinAgenda("meldplicht", "nl")
	fmt.Println(a.Name)
	for _, it := range a.Items {
		fmt.Printf("%2d min  %s\n", it.Minutes, it.Title)
	}
	// Output:
	// Meldplichtgesprek
	//  3 min  Setting en verbinding
	//  2 min  Zelf en op tijd gebeld?
	//  5 min  Hoe gaat het?
	//  7 min  Bijzondere voorwaarden
	//  4 min  Afspraken van vorige keer
	//  3 min  Risicosignalen
	//  3 min  Afspraken teruglezen
	//  2 min  Volgend contact
}

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
		WorkerName:   "Wouter",
		WorkerPhone:  "030 123 4567",
		NextModality: "phone",
		ClientCalls:  true,
		SessionAt:    at,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(body)
	// Output:
	// Hallo Sanne, een herinnering: dinsdag 3 maart om 14:00 heeft u een telefoongesprek met Wouter.
	// U belt zelf naar 030 123 4567. Zorg voor een rustige plek waar niemand meeluistert. Lukt het niet? Laat het Wouter via 030 123 4567 zo snel mogelijk weten.
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

"""The numbered USSD menu: its state machine (`ussd_menu`), its multi-step flows
(`ussd_flows`), what each screen shows (`ussd_screens`) and where a long text is cut into
screens (`page_breaks`).

May import: conversation, answers, complaints, storage, models and the loose modules.
Never a channel, the console or ansinh."""

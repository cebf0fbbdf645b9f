"""Event names shared by the gateway and the specialist."""

INTENTS_TOPIC = "intents.classified"

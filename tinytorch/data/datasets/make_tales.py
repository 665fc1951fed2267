"""Generate tales.txt: short, simple stories for training a character-level language model.

Run `python make_tales.py > tales.txt` to rebuild the shipped file byte for
byte (tinytorch's tests check that it does). The stories come from a small
grammar written for tinytorch: a few characters, places, things and events,
combined at random with a fixed seed. The text is therefore original, has
no author's rights attached beyond this project's, and is released with
tinytorch under the MIT licence. Its regular structure (names that recur,
pronouns that agree, sentences that end in periods) is what lets a tiny
model learn visibly in a few minutes on a CPU.
"""

import random

NAMES = [("Mia", "she", "her"), ("Tom", "he", "his"), ("Lena", "she", "her"),
         ("Sam", "he", "his"), ("Ada", "she", "her"), ("Ben", "he", "his"),
         ("Zoe", "she", "her"), ("Max", "he", "his"), ("Ivy", "she", "her"),
         ("Leo", "he", "his")]
ANIMALS = ["fox", "owl", "cat", "dog", "rabbit", "bear", "mouse", "duck", "goat", "frog"]
SIZES = ["little", "small", "big", "old", "young", "tall", "tiny", "brave", "shy", "clever"]
PLACES = ["the forest", "the river", "the hill", "the garden", "the market", "the lake",
          "the old mill", "the meadow", "the beach", "the village"]
THINGS = ["ball", "kite", "hat", "book", "boat", "drum", "lamp", "key", "cake", "shell"]
COLOURS = ["red", "blue", "green", "yellow", "white", "black", "brown", "golden", "pink",
           "silver"]
WEATHER = ["The sun was warm.", "It was a windy day.", "Rain fell softly.",
           "The sky was clear and bright.", "Snow covered the ground.",
           "A light fog hung in the air."]
GLAD = ["happy", "excited", "proud", "glad", "delighted"]
WORRIED = ["sad", "worried", "tired", "cross", "lonely"]
ENDINGS = ["They played until the sun went down.", "Then they walked home together.",
           "That night everyone slept well.", "They shared the cake and laughed.",
           "From that day on they were best friends.", "And that was a very good day."]


def hero(rng):
    name, subject, possessive = rng.choice(NAMES)
    return {"name": name, "they": subject, "their": possessive,
            "animal": rng.choice(ANIMALS), "size": rng.choice(SIZES)}


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def tale(rng) -> str:
    a, b = hero(rng), hero(rng)
    while b["name"] == a["name"]:
        b = hero(rng)
    place, other_place = rng.sample(PLACES, 2)
    thing, colour = rng.choice(THINGS), rng.choice(COLOURS)
    lines = [
        f"Once there was {article(a['size'])} {a['size']} {a['animal']} called {a['name']}.",
        rng.choice(WEATHER),
        f"{a['name']} went to {place} to look for {a['their']} {colour} {thing}.",
    ]
    if rng.random() < 0.5:
        lines.append(f"{a['they'].capitalize()} looked under every stone, "
                     f"but the {thing} was not there.")
        lines.append(f"{a['name']} felt {rng.choice(WORRIED)}.")
        lines.append(f"Then {a['they']} met {b['name']} the {b['size']} {b['animal']}.")
        lines.append(f'"Have you seen my {thing}?" asked {a["name"]}.')
        lines.append(f'"Yes," said {b["name"]}. "It is near {other_place}."')
        lines.append(f"So they went to {other_place} and found the {colour} {thing}.")
    else:
        lines.append(f"On the way {a['they']} saw {b['name']} the {b['size']} {b['animal']}.")
        count = rng.randint(2, 9)
        lines.append(f"{b['name']} had {count} {colour} {thing}s and gave one to {a['name']}.")
        lines.append(f"{a['name']} was {rng.choice(GLAD)} and said thank you.")
    lines.append(rng.choice(ENDINGS))
    return " ".join(lines)


def main(n_tales: int = 250, seed: int = 2024) -> str:
    rng = random.Random(seed)
    return "\n\n".join(tale(rng) for _ in range(n_tales)) + "\n"


if __name__ == "__main__":
    print(main(), end="")

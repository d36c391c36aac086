"""Recipes: create, list, read, update, delete; ingredients, photo and ratings."""

from typing import Annotated

from pydantic import StringConstraints

from synth.contract import UUID, Cursor, Example, Filter, Form, Limit, Multipart, ResponseHeader

from .api import RATE_LIMITED, api
from .models import (
    Cuisine,
    Ingredient,
    Photo,
    PhotoUpload,
    RatingForm,
    Recipe,
    RecipeCreate,
    RecipePage,
    RecipeUpdate,
)

SearchText = Annotated[str, StringConstraints(min_length=1, max_length=50)]

EXAMPLE_RECIPE = {
    "id": "4b1c8a52-6f0e-4d3a-9c57-2e8f1d0a7b36",
    "title": "Cacio e pepe",
    "cuisine": "italian",
    "servings": 2,
    "note": None,
    "ingredients": [
        {"position": 1, "name": "spaghetti", "quantity": 200.0, "unit": "g", "optional": False},
        {"position": 2, "name": "pecorino", "quantity": 80.0, "unit": "g", "optional": False},
    ],
    "has_photo": False,
    "rating_count": 0,
    "rating_average": None,
    "created_at": "2024-05-01T12:00:00Z",
    "updated_at": "2024-05-01T12:00:00Z",
}


@api.post(
    "/recipes",
    status=201,
    idempotent=True,
    tags=["recipes"],
    headers=[ResponseHeader("Location", description="The new recipe's URL.")],
    examples=[
        Example(
            "Two ingredients",
            body={
                "title": "Cacio e pepe",
                "cuisine": "italian",
                "ingredients": [
                    {"name": "spaghetti", "quantity": 200},
                    {"name": "pecorino", "quantity": 80},
                ],
            },
            response=EXAMPLE_RECIPE,
        )
    ],
)
def create_recipe(body: RecipeCreate) -> Recipe:
    """Create a recipe with its ingredients."""


@api.get(
    "/recipes",
    paginated=Cursor(order=("-created_at", "-id"), limit=Limit(default=20, max=100)),
    tags=["recipes"],
    examples=[Example("Italian recipes", params={"cuisine": "italian"})],
)
def list_recipes(
    cuisine: Annotated[Cuisine | None, Filter("cuisine", "eq")] = None,
    q: Annotated[SearchText | None, Filter("title", "icontains")] = None,
) -> RecipePage:
    """List recipes, newest first; filter by cuisine or by a title substring (any case)."""


@api.get("/recipes/{recipe_id}", cacheable=True, tags=["recipes"])
def get_recipe(recipe_id: UUID) -> Recipe:
    """Get a recipe."""


@api.patch(
    "/recipes/{recipe_id}",
    cacheable=True,
    tags=["recipes"],
    examples=[Example("Clear the note", body={"note": None})],
)
def update_recipe(recipe_id: UUID, body: RecipeUpdate) -> Recipe:
    """Change a recipe: fields left out stay as they are; `note: null` clears the note."""


@api.delete("/recipes/{recipe_id}", tags=["recipes"])
def delete_recipe(recipe_id: UUID) -> None:
    """Delete a recipe."""


@api.get("/recipes/{recipe_id}/ingredients", tags=["ingredients"])
def list_ingredients(recipe_id: UUID) -> list[Ingredient]:
    """A recipe's ingredients in order: a bare JSON array."""


@api.post("/recipes/{recipe_id}/photo", status=200, tags=["photos"])
def upload_recipe_photo(recipe_id: UUID, body: Annotated[PhotoUpload, Multipart()]) -> Photo:
    """Upload (or replace) a recipe's photo: PNG or JPEG, at most 32 KiB."""


@api.post(
    "/recipes/{recipe_id}/rate",
    status=200,
    errors=[RATE_LIMITED],
    tags=["ratings"],
    headers=[ResponseHeader("Retry-After", int, status=429, description="Seconds to wait.")],
    examples=[Example("Five stars", body={"stars": 5, "comment": "Lovely", "tags": ["quick"]})],
)
def rate_recipe(recipe_id: UUID, body: Annotated[RatingForm, Form()]) -> Recipe:
    """Rate a recipe from an HTML form; answers the recipe with its new rating average."""

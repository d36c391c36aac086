"""Request and response models of the recipe box."""

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from synth.contract import UUID, DateTime, File, Model, Page, RequestModel

Title = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Note = Annotated[str, StringConstraints(max_length=500)]
IngredientName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Quantity = Annotated[float, Field(gt=0, le=10_000)]
Servings = Annotated[int, Field(ge=1, le=50)]
Unit = Literal["g", "ml", "pcs", "tsp", "tbsp"]
Cuisine = Literal["italian", "japanese", "mexican", "indian", "other"]
RatingTag = Literal["quick", "healthy", "kid-friendly"]


class IngredientIn(RequestModel):
    """One ingredient of a new or replaced ingredient list."""

    name: IngredientName
    quantity: Quantity
    unit: Unit = "g"
    optional: bool = False


class Ingredient(Model):
    """An ingredient as stored, numbered from 1 in list order."""

    position: Annotated[int, Field(ge=1)]
    name: str
    quantity: float
    unit: Unit
    optional: bool


class RecipeCreate(RequestModel):
    """A new recipe."""

    title: Title
    cuisine: Cuisine = "other"
    servings: Servings = 2
    note: Note | None = None
    ingredients: Annotated[list[IngredientIn], Field(max_length=30)] = []


class RecipeUpdate(RequestModel):
    """Fields to change, at least one. `note` may be set to null to clear it; a field left out
    is left alone. `ingredients` replaces the whole list."""

    model_config = RequestModel.model_config | {"json_schema_extra": {"minProperties": 1}}

    title: Title = Field(default=None)
    cuisine: Cuisine = Field(default=None)
    servings: Servings = Field(default=None)
    note: Note | None = None
    ingredients: Annotated[list[IngredientIn], Field(max_length=30)] = Field(default=None)

    @model_validator(mode="after")
    def _at_least_one(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self


class Recipe(Model):
    """A recipe of one household."""

    id: UUID
    title: str
    cuisine: Cuisine
    servings: int
    note: str | None
    ingredients: list[Ingredient]
    has_photo: bool
    rating_count: Annotated[int, Field(ge=0)]
    rating_average: float | None
    created_at: DateTime
    updated_at: DateTime


class RecipePage(Page[Recipe]):
    """A page of recipes, newest first."""


PhotoImage = Annotated[bytes, File(media_types=("image/png", "image/jpeg"), max_size=32_768)]


class PhotoUpload(RequestModel):
    """A recipe photo, sent as multipart/form-data."""

    image: PhotoImage
    caption: Annotated[str, Field(max_length=100)] = ""


class Photo(Model):
    recipe_id: UUID
    media_type: Literal["image/png", "image/jpeg"]
    size: Annotated[int, Field(ge=0)]
    caption: str
    uploaded_at: DateTime


class RatingForm(RequestModel):
    """A rating, sent as an HTML form; `tags` is the repeated field."""

    stars: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=200)] = ""
    tags: Annotated[list[RatingTag], Field(max_length=3)] = []

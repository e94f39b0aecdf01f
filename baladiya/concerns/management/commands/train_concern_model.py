"""`manage.py train_concern_model`: retrain the category suggestions and print top-3 accuracy."""

from django.core.management.base import BaseCommand

from baladiya.concerns import suggest


class Command(BaseCommand):
    help = "Retrain the concern category suggestion model on agents' decisions."

    def handle(self, *args: object, **options: object) -> None:
        report = suggest.train()
        if report.top3_accuracy is None:
            self.stdout.write(
                f"Not enough history to train ({report.examples} concerns, "
                f"{report.categories} categories; at least {suggest.MIN_EXAMPLES} needed)."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained on {report.examples} concerns in {report.categories} categories. "
                f"Top-3 accuracy ({report.folds}-fold cross-validation): "
                f"{report.top3_accuracy:.1%}. Saved to {suggest.model_path()}."
            )
        )

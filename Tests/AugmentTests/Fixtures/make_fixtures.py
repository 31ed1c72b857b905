"""Writes the albumentations pipelines the import tests read (run with albumentations 2.0.8:
pip install albumentations==2.0.8; python3 make_fixtures.py)."""
import albumentations as A

A.save(A.Compose([
    A.HorizontalFlip(p=0.5),
    A.OneOf([A.Rotate(limit=15, p=1), A.Affine(scale=(0.9, 1.1), rotate=(-10, 10), p=1)], p=0.8),
    A.RandomResizedCrop(size=(24, 28), scale=(0.8, 1.0)),
    A.ColorJitter(brightness=0.2, contrast=0.2, saturation=0, hue=0),
    A.GaussNoise(std_range=(0.05, 0.05)),
    A.CoarseDropout(num_holes_range=(1, 2), hole_height_range=(4, 4), hole_width_range=(4, 4)),
    A.ShiftScaleRotate(), A.ElasticTransform(alpha=30, sigma=5), A.GaussianBlur(sigma_limit=(0.5, 1.5)), A.ToGray(),
    A.RandomBrightnessContrast(), A.VerticalFlip(), A.RandomRotate90(),
], bbox_params=A.BboxParams(format='yolo', min_visibility=0.3)), 'albumentations-supported.json')

A.save(A.Compose([A.HorizontalFlip(), A.Perspective(), A.CLAHE(), A.Rotate(limit=10)]), 'albumentations-unsupported.json')

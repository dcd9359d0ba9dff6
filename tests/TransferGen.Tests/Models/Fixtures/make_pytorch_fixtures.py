#!/usr/bin/python3
"""Writes the PyTorch-made fixtures of the weight-file tests (run from this folder; needs Debian's python3-torch,
python3-torchvision). Python is only used here, never by TransferGen itself.

tiny.pt / tiny.onnx   a small network with the layout of the tests' TinyBackbone (conv1, bn1, layer1, layer2, fc),
                      BatchNorm statistics from a few training-mode passes; saved with torch.save(state_dict) and
                      exported with torch.onnx.export in eval mode (which folds every BatchNorm into its convolution).
tiny_expected.json    an input batch and the features PyTorch computes for it (before fc).
torchvision_keys.json every state_dict key and shape of torchvision's resnet18, resnet34, resnet50 and vgg16.
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.layer2 = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.fc = nn.Linear(16, 4)

    def features(self, x):
        x = self.layer2(self.layer1(F.relu(self.bn1(self.conv1(x)))))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)

    def forward(self, x):
        return self.fc(self.features(x))


def main():
    torch.manual_seed(0)
    model = Tiny()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            nn.init.uniform_(module.weight, 0.5, 1.5)
            nn.init.uniform_(module.bias, -0.5, 0.5)
    model.train()
    with torch.no_grad():
        for _ in range(5):
            model(torch.randn(8, 3, 16, 16) * 2 + 0.5)
    model.eval()
    torch.save(model.state_dict(), "tiny.pt")
    image = torch.randn(2, 3, 16, 16)
    torch.onnx.export(model, image, "tiny.onnx", input_names=["image"], output_names=["logits"], opset_version=13)
    with torch.no_grad():
        features = model.features(image)
    expected = {
        "input_shape": list(image.shape),
        "input": [round(v, 7) for v in image.flatten().tolist()],
        "features_shape": list(features.shape),
        "features": [round(v, 7) for v in features.flatten().tolist()],
    }
    with open("tiny_expected.json", "w") as f:
        json.dump(expected, f)

    keys = {}
    for name in ["resnet18", "resnet34", "resnet50", "vgg16"]:
        net = getattr(torchvision.models, name)()
        keys[name] = {k: list(v.shape) for k, v in net.state_dict().items()}
    with open("torchvision_keys.json", "w") as f:
        json.dump(keys, f, indent=0)


if __name__ == "__main__":
    main()

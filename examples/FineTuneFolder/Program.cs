// Fine-tunes the ImageNet ResNet18 on a folder of images (one subfolder per class), then evaluates, predicts and saves.
// Usage: dotnet run --project examples/FineTuneFolder -- my-images [model-folder]
using TransferGen.Data;
using TransferGen.Transfer;

var folder = args.Length > 0 ? args[0] : "my-images";
var data = DatasetResolver.Load(folder);   // without train/ and test/ subfolders, a fifth of each class is held out as test
using var model = ImageClassifier.FineTune(data, new FineTuneOptions { Epochs = 3 });

var report = model.Evaluate(data, "test");
Console.WriteLine($"test accuracy {report.Accuracy:P1} on {report.Samples} images");
var files = Directory.EnumerateFiles(folder, "*.png", SearchOption.AllDirectories).Take(3);
foreach (var prediction in model.Predict(files, k: 2))
    Console.WriteLine($"{prediction.Source}: {prediction.Class} ({prediction.Probability:P0})");
model.Save(args.Length > 1 ? args[1] : "my-model");   // ImageClassifier.Load("my-model") reads it back

// Trains a DCGAN on a dataset (a builtin name or a folder of images) and writes a grid of generated images.
// Usage: dotnet run --project examples/DcganGrid -- [dataset] [epochs] [max-images] [grid.png]
using TransferGen.Data;
using TransferGen.Generation;

var data = DatasetResolver.Load(args.Length > 0 ? args[0] : "fashion-mnist");
var config = new GanTrainingConfig
{
    Arch = "dcgan",
    Epochs = args.Length > 1 ? int.Parse(args[1]) : 5,
    MaxImages = args.Length > 2 ? int.Parse(args[2]) : 6000,
};
using var generator = ImageGenerator.Train(data, config);
var grid = args.Length > 3 ? args[3] : "dcgan-grid.png";
generator.SaveGrid(grid, count: 64);
Console.WriteLine($"Wrote {grid}: 64 generated {generator.Shape.Channels}×{generator.Shape.Height}×{generator.Shape.Width} images.");

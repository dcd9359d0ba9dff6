using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// Reads the binary versions of CIFAR-10 and CIFAR-100 (the folders cifar-10-batches-bin and cifar-100-binary).
/// Each file is a run of fixed-size records: label byte(s) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue,
/// each row-major 32×32), which is already the [3, 32, 32] layout TorchSharp wants.
/// </summary>
internal static class CifarReader
{
    /// <summary>Pixel bytes of one CIFAR image (3 × 32 × 32).</summary>
    public const int ImageBytes = 3 * 32 * 32;

    /// <summary>Record size of CIFAR-10: one label byte and the pixels.</summary>
    public const int Cifar10RecordBytes = 1 + ImageBytes;

    /// <summary>Record size of CIFAR-100: a coarse and a fine label byte and the pixels.</summary>
    public const int Cifar100RecordBytes = 2 + ImageBytes;

    /// <summary>True when <paramref name="folder"/> looks like CIFAR-10 (data_batch_*.bin or test_batch.bin).</summary>
    public static bool IsCifar10(string folder) =>
        File.Exists(Path.Combine(folder, "test_batch.bin"))
        || Directory.EnumerateFiles(folder, "data_batch_*.bin").Any();

    /// <summary>True when <paramref name="folder"/> looks like CIFAR-100 (train.bin, test.bin or fine_label_names.txt).</summary>
    public static bool IsCifar100(string folder) =>
        new[] { "train.bin", "test.bin", "fine_label_names.txt" }.Any(f => File.Exists(Path.Combine(folder, f)));

    /// <summary>
    /// Loads CIFAR-10 from <paramref name="folder"/>: data_batch_1.bin, data_batch_2.bin, ... (consecutive, at least
    /// the first) as train and test_batch.bin as test. Class names come from batches.meta.txt when present.
    /// </summary>
    public static ImageDataset LoadCifar10(string folder)
    {
        var trainFiles = new List<string>();
        for (var i = 1; File.Exists(Path.Combine(folder, $"data_batch_{i}.bin")); i++)
            trainFiles.Add(Path.Combine(folder, $"data_batch_{i}.bin"));
        if (trainFiles.Count == 0)
            throw new InputException($"{Path.Combine(folder, "data_batch_1.bin")}: no such file; a CIFAR-10 folder needs data_batch_1.bin ... and test_batch.bin.");
        var stray = Directory.EnumerateFiles(folder, "data_batch_*.bin").Except(trainFiles).Order(StringComparer.Ordinal).FirstOrDefault();
        if (stray is not null)
            throw new InputException($"{stray} does not follow the consecutive batches data_batch_1.bin ... data_batch_{trainFiles.Count}.bin; a batch is missing.");
        var testFile = RequireFile(folder, "test_batch.bin");

        var classes = ReadClassNames(Path.Combine(folder, "batches.meta.txt"), CifarClassNames.Cifar10);
        var train = ReadSplit("train", trainFiles, Cifar10RecordBytes, 0, classes.Count);
        var test = ReadSplit("test", [testFile], Cifar10RecordBytes, 0, classes.Count);
        return new ImageDataset("cifar10", folder, classes, [train, test]);
    }

    /// <summary>
    /// Loads CIFAR-100 from <paramref name="folder"/>: train.bin and test.bin, with the fine labels (100 classes).
    /// Class names come from fine_label_names.txt when present.
    /// </summary>
    public static ImageDataset LoadCifar100(string folder)
    {
        var trainFile = RequireFile(folder, "train.bin");
        var testFile = RequireFile(folder, "test.bin");
        var classes = ReadClassNames(Path.Combine(folder, "fine_label_names.txt"), CifarClassNames.Cifar100);
        // Byte 0 is the coarse label (20 superclasses); byte 1 is the fine label we train on.
        var train = ReadSplit("train", [trainFile], Cifar100RecordBytes, 1, classes.Count);
        var test = ReadSplit("test", [testFile], Cifar100RecordBytes, 1, classes.Count);
        return new ImageDataset("cifar100", folder, classes, [train, test]);
    }

    /// <summary>
    /// Reads the records of one CIFAR binary file: images uint8 [N, 3, 32, 32] and the label at
    /// <paramref name="labelOffset"/> of each record, which must be below <paramref name="classCount"/>.
    /// </summary>
    public static (Tensor Images, int[] Labels) ReadBatch(string path, int recordBytes, int labelOffset, int classCount)
    {
        using var file = IdxReader.OpenFile(path);
        var size = file.Length;
        if (size == 0 || size % recordBytes != 0)
            throw new InputException($"{path} is {size} bytes, which is not a whole number of {recordBytes}-byte CIFAR records.");
        if (size > Array.MaxLength)
            throw new InputException($"{path} is {size} bytes, too large to read as one CIFAR batch.");

        var bytes = new byte[size];
        file.ReadExactly(bytes);
        var count = (int)(size / recordBytes);
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = bytes[(long)i * recordBytes + labelOffset];
            if (labels[i] >= classCount)
                throw new InputException($"{path}: record {i} has label {labels[i]}, out of range for {classCount} classes.");
        }

        using var scope = NewDisposeScope();
        // One strided copy drops the label bytes from every record at once.
        var images = tensor(bytes, [count, (long)recordBytes])
            .narrow(1, recordBytes - ImageBytes, ImageBytes)
            .reshape(count, 3, 32, 32)
            .contiguous();
        return (images.MoveToOuterDisposeScope(), labels);
    }

    static TensorSplit ReadSplit(string name, IReadOnlyList<string> files, int recordBytes, int labelOffset, int classCount)
    {
        using var scope = NewDisposeScope();
        var batches = files.Select(f => ReadBatch(f, recordBytes, labelOffset, classCount)).ToList();
        var images = batches.Count == 1 ? batches[0].Images : cat(batches.Select(b => b.Images).ToList(), 0);
        return new TensorSplit(name, images.MoveToOuterDisposeScope(), batches.SelectMany(b => b.Labels).ToArray());
    }

    static string RequireFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new InputException($"{path}: no such file; the CIFAR folder {folder} is incomplete.");
    }

    // One name per non-empty line; the files CIFAR ships end with blank lines.
    static IReadOnlyList<string> ReadClassNames(string path, IReadOnlyList<string> standard)
    {
        if (!File.Exists(path)) return standard;
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != standard.Count)
            throw new InputException($"{path} lists {names.Length} class names, expected {standard.Count}.");
        return names;
    }
}

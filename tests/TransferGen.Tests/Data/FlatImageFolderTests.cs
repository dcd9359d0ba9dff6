using TransferGen.Data;
using TransferGen.Imaging;
using static TorchSharp.torch;

namespace TransferGen.Tests.Data;

/// <summary>A flat folder of images, as FID reads it (<see cref="DatasetResolver.LoadImageSet"/>).</summary>
public class FlatImageFolderTests
{
    static void WriteImages(string folder, int count, int seed = 0)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)(seed + 1));
        for (var i = 0; i < count; i++) ImageCodec.SavePng(rand(new long[] { 1, 8, 8 }, generator: g), Path.Combine(folder, $"{i:D3}.png"));
    }

    /// <summary>One line ending in a full stop, with no other sentence end inside (". " before a capital).</summary>
    internal static bool OneSentence(string message) =>
        message.EndsWith('.') && !message.Contains('\n') && !System.Text.RegularExpressions.Regex.IsMatch(message, @"[.!?]\s+[A-Z]");

    [Fact]
    public void A_flat_folder_is_one_unlabelled_split_of_all_its_images()
    {
        using var temp = new TempFolder();
        var flat = temp.Folder("flat");
        WriteImages(flat, 5);
        File.WriteAllText(Path.Combine(flat, "notes.txt"), "not an image");

        var dataset = DatasetResolver.LoadImageSet(flat);

        Assert.Equal(FlatImageFolder.Format, dataset.Format);
        var split = Assert.Single(dataset.Splits);
        Assert.Equal("all", split.Name);
        Assert.Equal(5, split.Count);
        Assert.All(split.Labels, l => Assert.Equal(0, l));
        Assert.Equal(new ImageShape(1, 8, 8), split.Shape);
    }

    [Fact]
    public void A_corrupt_image_is_skipped_with_a_warning_as_in_an_image_folder()
    {
        using var temp = new TempFolder();
        var flat = temp.Folder("flat");
        WriteImages(flat, 4);
        var bad = Path.Combine(flat, "broken.png");
        File.WriteAllBytes(bad, File.ReadAllBytes(Path.Combine(flat, "000.png"))[..20]);

        var dataset = DatasetResolver.LoadImageSet(flat);

        Assert.Equal(4, dataset.Splits[0].Count);
        Assert.Equal(bad, Assert.Single(dataset.Skipped).Path);
        Assert.Contains($"skipped 1 of 5 files in {flat}", Assert.Single(dataset.Warnings));
        var strict = Assert.Throws<InputException>(() => DatasetResolver.LoadImageSet(flat, new DatasetOptions { Strict = true }));
        Assert.Contains(bad, strict.Message);
    }

    [Fact]
    public void Loose_images_beside_class_folders_or_no_images_at_all_are_one_sentence_naming_the_folder()
    {
        using var temp = new TempFolder();
        var mixed = temp.Folder("mixed");
        WriteImages(mixed, 2);
        WriteImages(temp.Folder("mixed/cats"), 2);
        var empty = temp.Folder("empty");
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "nothing here");

        var both = Assert.Throws<InputException>(() => DatasetResolver.LoadImageSet(mixed));
        var none = Assert.Throws<InputException>(() => DatasetResolver.LoadImageSet(empty));

        Assert.StartsWith($"{mixed} holds both image files", both.Message);
        Assert.Contains("cats", both.Message);
        Assert.StartsWith($"{empty} holds no images", none.Message);
        Assert.True(OneSentence(both.Message), both.Message);
        Assert.True(OneSentence(none.Message), none.Message);
    }

    [Fact]
    public void Readers_of_labelled_data_still_refuse_a_flat_folder_and_an_image_folder_is_not_read_as_flat()
    {
        using var temp = new TempFolder();
        var flat = temp.Folder("flat");
        WriteImages(flat, 3);
        var classes = temp.Folder("classes");
        WriteImages(temp.Folder("classes/a"), 2);
        WriteImages(temp.Folder("classes/b"), 2, seed: 1);

        var refused = Assert.Throws<InputException>(() => DatasetResolver.Load(flat));
        Assert.Contains("needs one subfolder per class", refused.Message);
        var imageFolder = DatasetResolver.LoadImageSet(classes, new DatasetOptions { TestFraction = 0 });
        Assert.Equal("imagefolder", imageFolder.Format);
        Assert.Equal(["a", "b"], imageFolder.Classes);
    }

    [Fact]
    public void Selecting_classes_of_a_flat_folder_is_refused()
    {
        using var temp = new TempFolder();
        var flat = temp.Folder("flat");
        WriteImages(flat, 3);

        var e = Assert.Throws<InvalidOptionException>(() => DatasetResolver.LoadImageSet(flat, new DatasetOptions { Classes = ["0"] }));

        Assert.Contains("flat folder of images without classes", e.Message);
    }
}

using SkiaSharp;
using TransferGen.Data;
using TransferGen.Tests.Imaging;
using static TransferGen.Tests.Data.TestFiles;

namespace TransferGen.Tests.Data;

/// <summary>ImageFolders with files and links that must not crash, hang or mislabel: each is skipped, counted and said.</summary>
public class ImageFolderRobustnessTests
{
    static readonly DatasetOptions NoTest = new() { TestFraction = 0 };

    [Fact]
    public void Headers_claiming_huge_images_are_skipped_in_every_format()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/good.png"], 4, 4);
        WriteImage(temp["b/good.png"], 4, 4);
        File.WriteAllBytes(temp["a/huge.png"], CraftedImages.Png(60000, 60000));
        File.WriteAllBytes(temp["a/huge.jpg"], CraftedImages.Jpeg(65000, 65000));
        File.WriteAllBytes(temp["b/huge.webp"], CraftedImages.Webp(16383, 16383));
        File.WriteAllBytes(temp["b/huge.bmp"], CraftedImages.Bmp(30000, 30000));

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal([1, 1], dataset["train"].CountPerClass(2));
        Assert.Equal(4, dataset.SkippedFiles);
        Assert.Equal(6, dataset.ImageFiles);
        Assert.All(dataset.Skipped, s => Assert.Contains("over the limit of 100000000 pixels", s.Problem));
        Assert.Equal(temp["a/huge.jpg"], dataset.Skipped[0].Path);
        Assert.Contains("60000 × 60000", dataset.Skipped[1].Problem);
    }

    [Fact]
    public void Strict_mode_names_the_huge_file_and_the_option_that_raises_the_limit()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/good.png"], 4, 4);
        File.WriteAllBytes(temp["a/huge.png"], CraftedImages.Png(60000, 60000));

        var e = Assert.Throws<InvalidOptionException>(() => ImageFolderReader.Load(temp.Path, NoTest with { Strict = true }));

        Assert.StartsWith(temp["a/huge.png"], e.Message);
        Assert.Equal(["DatasetOptions.MaxImagePixels"], e.Properties);
    }

    [Fact]
    public void A_raised_pixel_limit_keeps_an_image_that_the_default_would_skip_and_reading_honours_it()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/small.png"], 4, 4);
        WriteImage(temp["a/wide.png"], 40, 30);

        var low = ImageFolderReader.Load(temp.Path, NoTest with { MaxImagePixels = 1000 });
        var high = ImageFolderReader.Load(temp.Path, NoTest with { MaxImagePixels = 1200 });

        Assert.Equal(1, low.SkippedFiles);
        Assert.Equal(0, high.SkippedFiles);
        Assert.Equal(1200, high.MaxImagePixels);
        var split = high["train"];
        using var wide = split.Read(Enumerable.Range(0, split.Count).Single(i => ((SubsetSplit)split).Source is FileImageSplit f && f.Files[i].EndsWith("wide.png")));
        Assert.Equal([3L, 30, 40], wide.shape);
    }

    [Fact]
    public void A_pixel_limit_out_of_range_is_an_option_error()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/small.png"], 4, 4);

        var e = Assert.Throws<InvalidOptionException>(() => ImageFolderReader.Load(temp.Path, NoTest with { MaxImagePixels = 0 }));

        Assert.Equal(["DatasetOptions.MaxImagePixels"], e.Properties);
    }

    [Fact]
    public void A_truncated_jpeg_with_a_whole_header_is_skipped_at_load_with_the_others()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/good.png"], 4, 4);
        WriteImage(temp["b/good.png"], 4, 4);
        var cut = temp["a/cut.jpg"];
        WriteImage(cut, 64, 64, SKEncodedImageFormat.Jpeg);
        var bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        File.WriteAllBytes(temp["b/empty.png"], []);
        File.WriteAllText(temp["b/text.jpg"], "a text file renamed .jpg");

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal([temp["a/cut.jpg"], temp["b/empty.png"], temp["b/text.jpg"]], dataset.Skipped.Select(s => s.Path));
        Assert.Contains("truncated or corrupt", dataset.Skipped[0].Problem);
        Assert.Equal("an empty file", dataset.Skipped[1].Problem);
        Assert.Equal([1, 1], dataset["train"].CountPerClass(2));
        var warning = Assert.Single(dataset.Warnings);
        Assert.Equal($"skipped 3 of 5 files in {temp.Path} that could not be decoded (first: {cut}: {dataset.Skipped[0].Problem}).", warning);
        var record = SkippedImages.Of(dataset);
        Assert.Equal(3, record.Count);
        Assert.Equal(dataset.Skipped, record.First);
    }

    [Fact]
    public void A_file_cut_short_after_loading_is_an_input_error_naming_it()
    {
        using var temp = new TempFolder();
        var file = temp["a/photo.jpg"];
        WriteImage(file, 64, 64, SKEncodedImageFormat.Jpeg);
        var dataset = ImageFolderReader.Load(temp.Path, NoTest);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length * 2 / 3)]);

        var e = Assert.Throws<InputException>(() => dataset["train"].Read(0));

        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void A_folder_link_looping_back_to_the_root_is_not_followed_and_is_named()
    {
        using var temp = new TempFolder();
        for (var i = 0; i < 6; i++) WriteImage(temp[$"a/{i}.png"], 4, 4);
        for (var i = 0; i < 6; i++) WriteImage(temp[$"b/{i}.png"], 4, 4);
        var loop = temp["a/loop"];
        Directory.CreateSymbolicLink(loop, "..");

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal([6, 6], dataset["train"].CountPerClass(2));
        Assert.Equal([loop], dataset.IgnoredFolderLinks);
        var warning = Assert.Single(dataset.Warnings);
        Assert.Contains($"{loop} -> ..", warning);
    }

    [Fact]
    public void Links_to_class_and_split_folders_are_not_followed_but_links_to_files_are()
    {
        using var temp = new TempFolder();
        var elsewhere = temp.Folder("elsewhere");
        WriteImage(Path.Combine(elsewhere, "x.png"), 4, 4);
        var root = temp.Folder("data");
        WriteImage(Path.Combine(root, "a", "1.png"), 4, 4);
        WriteImage(Path.Combine(root, "a", "2.png"), 4, 4);
        Directory.CreateSymbolicLink(Path.Combine(root, "b"), Path.Combine(root, "a"));   // class b would be a's images again
        Directory.CreateSymbolicLink(Path.Combine(root, "a", "more"), elsewhere);
        File.CreateSymbolicLink(Path.Combine(root, "a", "linked.png"), Path.Combine(elsewhere, "x.png"));

        var dataset = ImageFolderReader.Load(root, NoTest);

        Assert.Equal(["a"], dataset.Classes);
        Assert.Equal(3, dataset["train"].Count);
        Assert.Equal([Path.Combine(root, "a", "more"), Path.Combine(root, "b")], dataset.IgnoredFolderLinks);
        Assert.Contains("did not follow 2 folder links", Assert.Single(dataset.Warnings));
    }

    [Fact]
    public void A_class_folder_holding_only_a_folder_link_says_so()
    {
        using var temp = new TempFolder();
        WriteImage(temp["a/1.png"], 4, 4);
        Directory.CreateSymbolicLink(Path.Combine(temp.Folder("b"), "to-a"), temp["a"]);

        var e = Assert.Throws<InputException>(() => ImageFolderReader.Load(temp.Path, NoTest));

        Assert.Contains(temp["b"], e.Message);
        Assert.Contains("links to folders in it are not followed", e.Message);
    }

    [Fact]
    public void Exif_orientation_decides_the_folder_shape()
    {
        using var temp = new TempFolder();
        var jpeg = CraftedImages.Encode(SKEncodedImageFormat.Jpeg, 16, 8);
        File.WriteAllBytes(Path.Combine(temp.Folder("a"), "upright.jpg"), CraftedImages.WithExifOrientation(jpeg, 6));

        var dataset = ImageFolderReader.Load(temp.Path, NoTest);

        Assert.Equal(new ImageShape(3, 16, 8), dataset.Shape);
        using var image = dataset["train"].Read(0);
        Assert.Equal([3L, 16, 8], image.shape);
    }
}

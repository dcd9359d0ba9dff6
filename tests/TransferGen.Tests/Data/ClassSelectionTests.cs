using TransferGen.Data;
using TransferGen.Data.Transforms;
using static TorchSharp.torch;

namespace TransferGen.Tests.Data;

public class ClassSelectionTests
{
    // The embedded sample: 200 train and 50 test images of each of the ten classes.
    static readonly DatasetOptions Embedded = new() { FashionMnistDirectory = "/nonexistent-transfergen-test" };

    static ImageDataset Load(params string[] classes) => DatasetResolver.Load("fashion-mnist", Embedded with { Classes = classes });

    static byte[] Pixels(ImageSplit split, int index)
    {
        using var image = split.Read(index);
        return image.data<byte>().ToArray();
    }

    [Fact]
    public void Classes_five_to_nine_keep_their_images_and_names_relabelled_zero_to_four()
    {
        var all = DatasetResolver.Load("fashion-mnist", Embedded);
        var five = Load("5", "6", "7", "8", "9");

        Assert.Equal(["Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], five.Classes);
        Assert.Equal([5, 6, 7, 8, 9], five.SelectedClasses);
        Assert.Null(all.SelectedClasses);
        foreach (var name in new[] { "train", "test" })
        {
            var (split, full) = (five[name], all[name]);
            Assert.Equal(Enumerable.Repeat(name == "train" ? 200 : 50, 5), split.CountPerClass(5));
            // The images are those of classes 5..9 in their order, each under its new label.
            var expected = Enumerable.Range(0, full.Count).Where(i => full.Labels[i] >= 5).ToList();
            Assert.Equal(expected.Select(i => full.Labels[i] - 5), split.Labels);
            foreach (var j in new[] { 0, 1, split.Count / 2, split.Count - 1 })
                Assert.Equal(Pixels(full, expected[j]), Pixels(split, j));
        }
        Assert.Equal(all.Format, five.Format);
        Assert.Equal(all.Source, five.Source);
    }

    [Fact]
    public void The_order_given_is_the_label_order_and_names_may_differ_in_case()
    {
        var picked = Load("Ankle boot", "sandal", "2");
        Assert.Equal(["Ankle boot", "Sandal", "Pullover"], picked.Classes);
        Assert.Equal([9, 5, 2], picked.SelectedClasses);
        var all = DatasetResolver.Load("fashion-mnist", Embedded);
        var firstBoot = Enumerable.Range(0, all["train"].Count).First(i => all["train"].Labels[i] == 9);
        var firstZero = Enumerable.Range(0, picked["train"].Count).First(i => picked["train"].Labels[i] == 0);
        Assert.Equal(Pixels(all["train"], firstBoot), Pixels(picked["train"], firstZero));

        // A selection of a selection names the original labels.
        var again = ClassSelection.Apply(picked, ["Pullover", "0"]);
        Assert.Equal(["Pullover", "Ankle boot"], again.Classes);
        Assert.Equal([2, 9], again.SelectedClasses);
    }

    [Fact]
    public void A_name_wins_over_an_index()
    {
        using var images = zeros(new long[] { 4, 1, 2, 2 }, ScalarType.Byte);
        var dataset = new ImageDataset("test", "four", ["3", "a", "b", "c"], [new TensorSplit("train", images.clone(), [0, 1, 2, 3])]);
        Assert.Equal(["3"], ClassSelection.Apply(dataset, ["3"]).Classes);       // the class named 3, not index 3
        Assert.Equal(["c", "3"], ClassSelection.Apply(dataset, ["c", "0"]).Classes);
    }

    [Fact]
    public void Batches_of_a_selection_carry_the_new_labels_and_still_gather_whole_batches()
    {
        var split = Load("8", "1")["test"];
        var loader = new BatchLoader(split, new ToFloat(), new BatchLoaderOptions { BatchSize = 25, Shuffle = false });
        Assert.True(loader.GathersWholeBatches);
        var labels = new List<long>();
        foreach (var batch in loader.Epoch(0))
            using (batch)
                labels.AddRange(batch.Labels.data<long>().ToArray());
        Assert.Equal(split.Labels.Select(l => (long)l), labels);
        Assert.Equal(50, labels.Count(l => l == 0));
        Assert.Equal(50, labels.Count(l => l == 1));
    }

    [Theory]
    [InlineData("DatasetOptions.Classes names the class 'Dress2', which fashion-mnist lacks (its classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot).", "5", "Dress2")]
    [InlineData("DatasetOptions.Classes names the class '10', which fashion-mnist lacks (its classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot).", "10")]
    [InlineData("DatasetOptions.Classes selects the class 'Sandal' twice (as '5' and 'sandal').", "5", "sandal")]
    [InlineData("DatasetOptions.Classes names the class '5' twice.", "5", "6", "5")]
    [InlineData("DatasetOptions.Classes names no class; give at least one (an index or a name).")]
    public void A_class_the_data_lacks_or_one_given_twice_is_one_sentence(string message, params string[] classes)
    {
        var error = Assert.Throws<InvalidOptionException>(() => Load(classes));
        Assert.Equal(message, error.Message);
        Assert.Equal(["DatasetOptions.Classes"], error.Properties);
    }

    [Fact]
    public void A_comma_list_parses_to_trimmed_entries_and_empty_entries_are_refused()
    {
        Assert.Equal(["5", "Ankle boot", "7"], ClassSelection.Parse(" 5, Ankle boot ,7"));
        var error = Assert.Throws<InvalidOptionException>(() => ClassSelection.Parse("5,,6", "X.Classes"));
        Assert.Equal("X.Classes has an empty entry ('5,,6'); give class indices or names separated by commas.", error.Message);
    }

    [Fact]
    public void A_long_class_list_is_cut_in_the_message()
    {
        using var images = zeros(new long[] { 30, 1, 2, 2 }, ScalarType.Byte);
        var names = Enumerable.Range(0, 30).Select(i => $"c{i}").ToList();
        var dataset = new ImageDataset("test", "thirty", names, [new TensorSplit("train", images.clone(), Enumerable.Range(0, 30).ToArray())]);
        var error = Assert.Throws<InvalidOptionException>(() => ClassSelection.Apply(dataset, ["nope"]));
        Assert.EndsWith("19 c19 and 10 more).", error.Message);
    }
}

using TransferGen.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Data;

/// <summary>The pixel fingerprint feature-cache keys are made of.</summary>
public class ImageSplitHashTests
{
    [Fact]
    public void The_same_images_hash_the_same_whether_gathered_from_a_tensor_or_read_one_by_one()
    {
        var split = TestImages.NumberedSplit(300, size: 3);
        var subset = split.Subset([5, 1, 299, 42]);

        Assert.Equal(ImageSplitHash.Sha256(split), ImageSplitHash.Sha256(TestImages.Unbacked(split)));
        Assert.Equal(ImageSplitHash.Sha256(subset), ImageSplitHash.Sha256(TestImages.Unbacked(subset)));
        Assert.Equal(ImageSplitHash.Sha256(subset.Subset([1, 2])), ImageSplitHash.Sha256(split.Subset([1, 299])));
    }

    [Fact]
    public void One_changed_pixel_another_order_another_subset_or_another_shape_changes_the_hash()
    {
        var split = TestImages.NumberedSplit(10, size: 2);
        var reference = ImageSplitHash.Sha256(split);

        using var changedImages = split.Images.clone();
        changedImages[7, 0, 1, 1] = tensor((byte)200);
        var changed = new TensorSplit("train", changedImages.clone(), split.Labels.ToArray());
        var reshaped = new TensorSplit("train", split.Images.reshape(10, 1, 1, 4).clone(), split.Labels.ToArray());

        Assert.NotEqual(reference, ImageSplitHash.Sha256(changed));
        Assert.NotEqual(reference, ImageSplitHash.Sha256(split.Subset(Enumerable.Range(0, 10).Reverse().ToList())));
        Assert.NotEqual(reference, ImageSplitHash.Sha256(split.Subset(Enumerable.Range(0, 9).ToList())));
        Assert.NotEqual(reference, ImageSplitHash.Sha256(reshaped));
        // Labels are not pixels: relabelling keeps the hash.
        Assert.Equal(reference, ImageSplitHash.Sha256(new TensorSplit("test", split.Images.clone(), new int[10])));
    }
}

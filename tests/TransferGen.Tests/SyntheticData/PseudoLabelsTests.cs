using TransferGen.SyntheticData;

namespace TransferGen.Tests.SyntheticData;

public class PseudoLabelsTests
{
    [Fact]
    public void The_choice_never_takes_a_labelled_image_is_seeded_and_takes_what_is_left_when_asked_for_more()
    {
        int[] labelled = [0, 3, 4, 9, 17];
        var chosen = PseudoLabels.Choose(20, labelled, 8, seed: 1);
        Assert.Equal(8, chosen.Length);
        Assert.Empty(chosen.Intersect(labelled));
        Assert.Equal(chosen.Order(), chosen);
        Assert.Equal(chosen.Length, chosen.Distinct().Count());
        Assert.Equal(chosen, PseudoLabels.Choose(20, labelled, 8, seed: 1));
        Assert.NotEqual(chosen, PseudoLabels.Choose(20, labelled, 8, seed: 2));

        var all = PseudoLabels.Choose(20, labelled, 100, seed: 1);
        Assert.Equal(Enumerable.Range(0, 20).Except(labelled), all);
    }
}
